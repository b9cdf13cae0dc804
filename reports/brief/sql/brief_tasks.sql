-- every task's status at the closing week, with the units that owe a report
select
    task_id, measure_id, status, due_on, final_due_on, done_on, reported_quantity, quantity,
    unit, last_reported_on, missing_reporters, reports_owed, reports_received
from marts.task_status
where week = $week
order by task_id

-- each task of the ledger as of the week's end: status, the due date of the next stage, progress
select
    task_id, measure_id, status, due_on, final_due_on, done_on, reported_quantity, quantity, unit,
    missing_reporters
from marts.task_status
where week = $week
order by measure_id, task_id

{% from "_tasks.sql" import task_status %}
-- task_share(figure, tasks): from the task ledger (every catalog task) for all Beijing.
-- on_time: tasks whose last due date has passed by week end and that were done by it / those due;
-- reports_received: (task, unit) reports owed for the last complete period that arrived / owed
with {{ task_status(tasks) }},

figures as (
{% if figure == "on_time" %}
    select
        count(*) filter (where done_on_time) as numerator,
        count(*) as denominator
    from task_status
    where final_due_on <= $week_last
{% else %}
    select
        coalesce(sum(reports_received), 0) as numerator,
        coalesce(sum(reports_owed), 0) as denominator
    from task_status
{% endif %}
)

select
    '110000' as district_code,
    numerator / nullif(denominator, 0) as value,
    numerator,
    denominator,
    null as base_count
from figures

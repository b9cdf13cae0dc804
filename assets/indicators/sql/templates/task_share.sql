{% from "_tasks.sql" import task_status %}
-- task_share(figure, tasks): from the task ledger (every catalog task) for all Beijing.
-- per period: on_time: tasks whose last due date has passed by period end and that were done by
-- it / those due;
-- reports_received: (task, unit) reports owed for the last complete period that arrived / owed
with {{ task_status(tasks) }},

figures as (
{% if figure == "on_time" %}
    select
        periods.week_start,
        count(task_status.task_id) filter (
            where task_status.final_due_on <= periods.week_last and task_status.done_on_time
        ) as numerator,
        count(task_status.task_id) filter (
            where task_status.final_due_on <= periods.week_last
        ) as denominator
    from periods
    left join task_status using (week_start)
    group by periods.week_start
{% else %}
    select
        periods.week_start,
        coalesce(sum(task_status.reports_received), 0) as numerator,
        coalesce(sum(task_status.reports_owed), 0) as denominator
    from periods
    left join task_status using (week_start)
    group by periods.week_start
{% endif %}
)

select
    week_start,
    '110000' as district_code,
    numerator / nullif(denominator, 0) as value,
    numerator,
    denominator,
    null as base_count
from figures

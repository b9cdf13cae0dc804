{% from "_tasks.sql" import task_status %}
-- marts.task_status for one week: every catalog task's status as of the week's end (see _tasks.sql)
with {{ task_status(
    tasks, due_soon_days,
    periods="(select $week_start::date as week_start, $week_end::date as week_end, "
        ~ "$week_last::date as week_last)"
) }}

select * exclude (week_start) from task_status
order by task_id

{% from "_tasks.sql" import task_status %}
-- marts.task_status for one week: every catalog task's status as of the week's end (see _tasks.sql)
with {{ task_status(tasks, due_soon_days) }}

select * from task_status
order by task_id

{#- task_status(tasks, due_soon_days, periods): the CTEs that end in `task_status`, one row per
    period (week_start) and task of the ledger (catalog tasks, rendered as values) as of the
    period's end; `periods` is a relation with week_start, week_end and week_last (the grid's
    `periods`, or one week from the named parameters).

    A task's ledger rows are the milestone rows carrying its task_id, reported by week end; their
    quantity in the task's unit is its progress (a row in another unit, such as a survey score,
    is a report but no progress). Done: progress reached the task's quantity (done_on: the day it
    did). Each due date is a stage owing its share of the quantity; the next stage not reached
    gives due_on. A reporting unit owes a row (a zero report 本期无进展 counts) for the last
    complete reporting period (calendar month or quarter ending by week end) while the task is
    not done, if the monitoring (the first loaded week) had begun by the period's start.
    Status, first that holds: done, overdue (due_on passed), not_reported (an owed row missing),
    due_soon (due within `due_soon_days`), on_schedule. -#}
{% macro task_status(tasks, due_soon_days=30, periods="periods") -%}
task_periods as (
    select week_start, week_end, week_last from {{ periods }}
),

task_ledger as (
{% if tasks %}
    select * from (values
    {% for t in tasks %}
        ({{ t.task_id | literal }}, {{ t.measure_id | literal }}, {{ t.quantity }}::double,
         {{ (t.unit | literal) if t.unit else "null::varchar" }},
         [{% for d in t.due %}date {{ d | literal }}{{ ", " if not loop.last }}{% endfor %}],
         [{% for r in t.reporters %}{{ r | literal }}{{ ", " if not loop.last }}{% endfor %}]::varchar[],
         {{ t.frequency | literal }}){{ "," if not loop.last }}
    {% endfor %}
    ) as t (task_id, measure_id, quantity, unit, due_dates, reporters, frequency)
{% else %}
    select
        null::varchar as task_id, null::varchar as measure_id, null::double as quantity,
        null::varchar as unit, null::date[] as due_dates, null::varchar[] as reporters,
        null::varchar as frequency
    where false
{% endif %}
),

task_reporters as (
    select task_id, unnest(reporters) as unit_name
    from task_ledger
),

stages as (
    select
        task_id,
        unnest(due_dates) as due_on,
        unnest(range(1, len(due_dates) + 1)) as stage,
        len(due_dates) as stages,
        quantity
    from task_ledger
),

task_rows as (
    -- the agency as reported, with a leading 北京 dropped (北京市商务局 = 市商务局)
    select
        task_periods.week_start,
        milestones.task_id,
        regexp_replace(trim(milestones.agency), '^北京', '') as unit_name,
        milestones.reported_on,
        if(
            milestones.unit is null or task_ledger.unit is null
            or trim(milestones.unit) = task_ledger.unit,
            milestones.quantity, 0
        ) as progress
    from staging.milestones
    inner join task_ledger using (task_id)
    inner join task_periods on milestones.reported_on < task_periods.week_end
),

cumulative as (
    select
        week_start,
        task_id,
        reported_on,
        sum(progress) over (
            partition by week_start, task_id order by reported_on
            rows between unbounded preceding and current row
        ) as progress_so_far
    from task_rows
),

progress as (
    select
        task_periods.week_start,
        task_ledger.task_id,
        coalesce(max(cumulative.progress_so_far), 0) as reported_quantity,
        min(cumulative.reported_on) filter (
            where cumulative.progress_so_far >= task_ledger.quantity
        ) as done_on
    from task_periods
    cross join task_ledger
    left join cumulative
        on cumulative.week_start = task_periods.week_start
        and cumulative.task_id = task_ledger.task_id
    group by task_periods.week_start, task_ledger.task_id
),

next_due as (
    select progress.week_start, stages.task_id, min(stages.due_on) as due_on
    from stages
    inner join progress using (task_id)
    where progress.reported_quantity < stages.quantity * stages.stage / stages.stages
    group by progress.week_start, stages.task_id
),

report_periods as (
    select
        task_periods.week_start,
        task_ledger.task_id,
        cast(
            date_trunc(
                if(task_ledger.frequency = 'quarterly', 'quarter', 'month'),
                task_periods.week_last + 1
            ) as date
        ) - 1 as period_end
    from task_periods
    cross join task_ledger
),

owed as (
    select
        report_periods.week_start,
        task_reporters.task_id,
        task_reporters.unit_name,
        cast(date_trunc(
            if(task_ledger.frequency = 'quarterly', 'quarter', 'month'), report_periods.period_end
        ) as date) as period_start,
        report_periods.period_end
    from task_reporters
    inner join task_ledger using (task_id)
    inner join report_periods using (task_id)
    inner join progress using (week_start, task_id)
),

owed_reports as (
    select
        owed.week_start,
        owed.task_id,
        owed.unit_name,
        count(task_rows.task_id) > 0 as received
    from owed
    inner join progress using (week_start, task_id)
    left join task_rows
        on task_rows.week_start = owed.week_start
        and task_rows.task_id = owed.task_id
        and task_rows.unit_name = owed.unit_name
        and task_rows.reported_on between owed.period_start and owed.period_end
    where (progress.done_on is null or progress.done_on >= owed.period_start)
        and owed.period_start >= (select min(week) from meta.load_log)
    group by owed.week_start, owed.task_id, owed.unit_name
),

reporting as (
    select
        week_start,
        task_id,
        count(*) as reports_owed,
        count(*) filter (where received) as reports_received,
        list(unit_name order by unit_name) filter (where not received) as missing_reporters
    from owed_reports
    group by week_start, task_id
),

last_reported as (
    select week_start, task_id, max(reported_on) as last_reported_on
    from task_rows
    group by week_start, task_id
),

task_status as (
    select
        task_periods.week_start,
        task_ledger.task_id,
        task_ledger.measure_id,
        case
            when progress.done_on is not null then 'done'
            when next_due.due_on <= task_periods.week_last then 'overdue'
            when coalesce(len(reporting.missing_reporters), 0) > 0 then 'not_reported'
            when next_due.due_on <= task_periods.week_last + {{ due_soon_days }} then 'due_soon'
            else 'on_schedule'
        end as status,
        coalesce(next_due.due_on, list_last(task_ledger.due_dates)) as due_on,
        list_last(task_ledger.due_dates) as final_due_on,
        progress.done_on,
        coalesce(progress.done_on <= list_last(task_ledger.due_dates), false) as done_on_time,
        progress.reported_quantity,
        task_ledger.quantity,
        task_ledger.unit,
        last_reported.last_reported_on,
        coalesce(reporting.missing_reporters, []::varchar[]) as missing_reporters,
        coalesce(reporting.reports_owed, 0) as reports_owed,
        coalesce(reporting.reports_received, 0) as reports_received
    from task_ledger
    inner join progress using (task_id)
    inner join task_periods using (week_start)
    left join next_due using (week_start, task_id)
    left join reporting using (week_start, task_id)
    left join last_reported using (week_start, task_id)
)
{%- endmacro %}

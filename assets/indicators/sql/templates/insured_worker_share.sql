{% from "_grid.sql" import active_workers_in, share %}
-- insured_worker_share(insurance_types): active workers with an enrollment of one of the types
-- covering period end / active workers; base: the active workers
with starts as (
    select worker_id_hash, start_on, max(coalesce(end_on, date '9999-12-31')) as end_on
    from staging.insurance
    where insurance_type in ({{ insurance_types | map("literal") | join(", ") }})
    group by all
),

cover as (
    -- per person and start date: the latest end of any enrollment started by then
    select
        worker_id_hash,
        start_on,
        max(end_on) over (
            partition by worker_id_hash order by start_on
            rows between unbounded preceding and current row
        ) as covered_to
    from starts
),

insured as (
    -- an active worker of a period is insured if an enrollment started by the period's last day
    -- runs to it at least: an as-of join on the person's latest start by then
    select active_workers.week_start, active_workers.worker_id_hash
    from active_workers
    inner join periods using (week_start)
    asof inner join cover
        on cover.worker_id_hash = active_workers.worker_id_hash
        and cover.start_on <= periods.week_last
    where cover.covered_to >= periods.week_last
),

{{ active_workers_in("insured") }},

{{ share("workers") }}

{% from "_grid.sql" import active_workers_in, share %}
-- insured_worker_share(insurance_types): active workers with an enrollment of one of the types
-- covering period end / active workers; base: the active workers
with enrollments as (
    select worker_id_hash, start_on, coalesce(end_on, date '9999-12-31') as end_on
    from staging.insurance
    where insurance_type in ({{ insurance_types | map("literal") | join(", ") }})
),

insured as (
    -- each active worker of each period with an enrollment covering the period's end (joined on
    -- the person first: a register's worth of rows, never every enrollment x every period)
    select distinct active_workers.week_start, active_workers.worker_id_hash
    from active_workers
    inner join periods using (week_start)
    inner join enrollments
        on enrollments.worker_id_hash = active_workers.worker_id_hash
        and enrollments.start_on <= periods.week_last
        and enrollments.end_on >= periods.week_last
),

{{ active_workers_in("insured") }},

{{ share("workers") }}

{% from "_grid.sql" import active_workers_in, share %}
-- insured_worker_share(insurance_types): active workers with an enrollment of one of the types
-- covering period end / active workers; base: the active workers

-- once a run (it reads no period): each person's spells of cover by enrollments of the types,
-- merged where they overlap, so a person's spells are disjoint and a date lies in at most one
create or replace temp table {{ run_tables }}_cover as
with starts as (
    -- one row per person and start date (its latest end), so the windows below order a person's
    -- rows without ties: two sorts of tied rows may order them differently, and a spell counted
    -- in one order but flagged in the other would run across a gap
    select worker_id_hash, start_on, max(coalesce(end_on, date '9999-12-31')) as end_on
    from staging.insurance
    where insurance_type in ({{ insurance_types | map("literal") | join(", ") }})
    group by all
),

reach as (
    -- the latest end of the person's enrollments started before this date
    select
        *,
        max(end_on) over (
            partition by worker_id_hash order by start_on
            rows between unbounded preceding and 1 preceding
        ) as covered_before
    from starts
),

spells as (
    -- a new spell starts where an enrollment begins after every earlier one has ended
    select
        *,
        count(*) filter (where covered_before is null or start_on > covered_before) over (
            partition by worker_id_hash order by start_on
            rows between unbounded preceding and current row
        ) as spell
    from reach
)

select worker_id_hash, min(start_on) as covered_from, max(end_on) as covered_to
from spells
group by worker_id_hash, spell;

-- every pass: an active worker of a period is insured if one of their spells covers the
-- period's last day (spells are disjoint: one match at most)
with insured as (
    select active_workers.week_start, active_workers.worker_id_hash
    from active_workers
    inner join periods using (week_start)
    inner join {{ run_tables }}_cover as cover
        on cover.worker_id_hash = active_workers.worker_id_hash
        and cover.covered_from <= periods.week_last
        and cover.covered_to >= periods.week_last
),

{{ active_workers_in("insured") }},

{{ share("workers") }}

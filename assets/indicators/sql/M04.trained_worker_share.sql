-- M04.trained_worker_share (ratio): active workers with a completion in the last 52 weeks / active workers; base: the active workers
{% from "_grid.sql" import active_workers_in, in_periods, share %}
with completions as (
    select worker_id_hash, completed_on
    from staging.training
),

trained as (
    -- the rolling 52-week window of each period: a range join (windows of periods overlap)
    select distinct week_start, worker_id_hash
    from ({{ in_periods("completions", "completed_on", since="weeks52_start") }})
),

{{ active_workers_in("trained") }},

{{ share("workers") }}

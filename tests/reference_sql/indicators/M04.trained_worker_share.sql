-- M04.trained_worker_share (ratio): active workers with a completion in the last 52 weeks / active workers; base: the active workers
{% from "_grid.sql" import active_workers_in, share %}
with trained as (
    select distinct worker_id_hash
    from staging.training
    where completed_on >= $weeks52_start and completed_on < $week_end
),

{{ active_workers_in("trained") }},

{{ share("workers") }}

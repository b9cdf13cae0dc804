-- M20.intermediate_plus_share (ratio): active workers whose best skill level ever (1 is highest) is 1-4
-- / active workers with any level 1-5; base: the active workers with a level
{% from "_grid.sql" import share %}
with best_level as (
    select worker_id_hash, min(skill_level) as best
    from staging.training
    where completed_on < $week_end and skill_level between 1 and 5
    group by worker_id_hash
),

workers as (
    select
        active_workers.district_code,
        best_level.best <= 4 as counted
    from active_workers
    inner join best_level using (worker_id_hash)
),

{{ share("workers") }}

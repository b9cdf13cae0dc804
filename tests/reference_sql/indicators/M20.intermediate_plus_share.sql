-- M20.intermediate_plus_share (ratio): active workers whose best skill level (1 is highest), from the
-- register or any completion, is 1-4 / active workers with any level 1-5; base: those with a level
{% from "_grid.sql" import share %}
with levels as (
    select worker_id_hash, skill_level
    from staging.training
    where completed_on < $week_end and skill_level between 1 and 5
    union all
    select worker_id_hash, skill_level
    from active_workers
    where skill_level between 1 and 5
),

best_level as (
    select worker_id_hash, min(skill_level) as best
    from levels
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

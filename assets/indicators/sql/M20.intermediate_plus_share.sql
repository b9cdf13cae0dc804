-- M20.intermediate_plus_share (ratio): active workers whose best skill level (1 is highest), from the
-- register or any completion, is 1-4 / active workers with any level 1-5; base: those with a level
{% from "_grid.sql" import share %}
with trained_levels as (
    -- per worker, the best level completed by each date it improved (few rows per worker)
    select worker_id_hash, completed_on, min(skill_level) as skill_level
    from staging.training
    where skill_level between 1 and 5
    group by all
),

levels as (
    select active_workers.week_start, active_workers.worker_id_hash, trained_levels.skill_level
    from active_workers
    inner join periods using (week_start)
    inner join trained_levels
        on trained_levels.worker_id_hash = active_workers.worker_id_hash
        and trained_levels.completed_on < periods.week_end
    union all
    select week_start, worker_id_hash, skill_level
    from active_workers
    where skill_level between 1 and 5
),

best_level as (
    select week_start, worker_id_hash, min(skill_level) as best
    from levels
    group by week_start, worker_id_hash
),

workers as (
    select
        active_workers.week_start,
        active_workers.district_code,
        best_level.best <= 4 as counted
    from active_workers
    inner join best_level using (week_start, worker_id_hash)
),

{{ share("workers") }}

-- M04.trained_worker_share (ratio): active workers with a completion in the last 52 weeks / active workers; base: the active workers
{% from "_grid.sql" import grouped, on_grid %}
with trained as (
    select distinct worker_id_hash
    from staging.training
    where completed_on >= $weeks52_start and completed_on < $week_end
),

workers as (
    select
        active_workers.district_code,
        trained.worker_id_hash is not null as counted
    from active_workers
    left join trained using (worker_id_hash)
),

by_district as (
    {% call grouped("workers") %}
        count(*) filter (where counted) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

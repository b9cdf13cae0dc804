{% from "_grid.sql" import grouped, on_grid %}
-- insured_worker_share(insurance_types): active workers with an enrollment of one of the types
-- covering week end / active workers; base: the active workers
with insured as (
    select distinct worker_id_hash
    from covering_enrollments
    where insurance_type in ({{ insurance_types | map("literal") | join(", ") }})
),

workers as (
    select
        active_workers.district_code,
        insured.worker_id_hash is not null as counted
    from active_workers
    left join insured using (worker_id_hash)
),

by_district as (
    {% call grouped("workers") %}
        count(*) filter (where counted) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

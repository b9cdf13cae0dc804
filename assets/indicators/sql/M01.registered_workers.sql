-- M01.registered_workers (state): distinct people in the worker register whose record valid at
-- week end has status active; base: those workers
{% from "_grid.sql" import grouped, on_grid %}
with by_district as (
    {% call grouped("active_workers") %}
        count(*) as numerator,  -- active_workers: one row per person and period
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

{% from "_grid.sql" import grouped, on_grid %}
-- enterprise_share(counted): active enterprises at week end for which `counted` holds / active
-- enterprises; base: the active enterprises
with enterprises as (
    select district_code, coalesce({{ counted }}, false) as counted
    from active_enterprises
),

by_district as (
    {% call grouped("enterprises") %}
        count(*) filter (where counted) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

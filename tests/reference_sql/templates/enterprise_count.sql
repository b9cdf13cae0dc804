{% from "_grid.sql" import grouped, on_grid %}
-- enterprise_count(where): active enterprises at week end matching `where`; base: those enterprises
with counted as (
    select district_code
    from active_enterprises
    where {{ where }}
),

by_district as (
    {% call grouped("counted") %}
        count(*) as numerator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

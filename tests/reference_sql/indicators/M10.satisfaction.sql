-- M10.satisfaction (ratio): mean satisfaction (1-5) of the complaints resolved in the week that have one; base: the complaints it rests on
{% from "_grid.sql" import grouped, on_grid, resolved_complaints %}
with {{ resolved_complaints(rated=true) }},

by_district as (
    {% call grouped("resolved") %}
        sum(satisfaction) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

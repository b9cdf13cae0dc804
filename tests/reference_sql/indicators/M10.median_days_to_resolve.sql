-- M10.median_days_to_resolve (ratio): median days from receipt to resolution of the complaints resolved
-- in the week; base: the complaints it rests on
{% from "_grid.sql" import grouped, on_grid, resolved_complaints %}
with {{ resolved_complaints() }},

by_district as (
    {% call grouped("resolved") %}
        median(days_to_resolve) as value,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("measured") }}

-- M11.community_outlets (state): community_outlets summed over active enterprises at week end;
-- base: the enterprises with at least one outlet
{% from "_grid.sql" import grouped, on_grid %}
with outlets as (
    select week_start, district_code, coalesce(community_outlets, 0) as outlets
    from active_enterprises
),

by_district as (
    {% call grouped("outlets") %}
        sum(outlets) as numerator,
        count(*) filter (where outlets > 0) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

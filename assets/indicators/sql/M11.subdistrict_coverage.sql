-- M11.subdistrict_coverage (ratio): reference subdistricts with an active enterprise having
-- community_outlets > 0 / subdistricts in the reference data (none in the reference: no value);
-- base: the enterprises with outlets in those subdistricts
{% from "_grid.sql" import grouped, on_grid %}
with serving as (
    select week_start, district_code, subdistrict, count(*) as enterprises
    from active_enterprises
    where community_outlets > 0
    group by all
),

subdistrict_status as (
    select
        periods.week_start,
        subdistricts.district_code,
        serving.subdistrict is not null as covered,
        coalesce(serving.enterprises, 0) as enterprises
    from periods
    cross join subdistricts
    left join serving using (week_start, district_code, subdistrict)
),

by_district as (
    {% call grouped("subdistrict_status") %}
        count(*) filter (where covered) as numerator,
        count(*) as denominator,
        sum(enterprises) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

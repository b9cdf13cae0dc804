-- M11.subdistrict_coverage (ratio): reference subdistricts with an active enterprise having
-- community_outlets > 0 / subdistricts in the reference data (none in the reference: no value);
-- base: the enterprises with outlets in those subdistricts
with serving as (
    select district_code, subdistrict, count(*) as enterprises
    from active_enterprises
    where community_outlets > 0
    group by all
),

subdistrict_status as (
    select
        subdistricts.district_code,
        serving.subdistrict is not null as covered,
        coalesce(serving.enterprises, 0) as enterprises
    from subdistricts
    left join serving using (district_code, subdistrict)
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where covered) as numerator,
        count(*) as denominator,
        sum(enterprises) as base_count
    from subdistrict_status
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    by_district.numerator / nullif(by_district.denominator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    coalesce(by_district.denominator, 0) as denominator,
    coalesce(by_district.base_count, 0) as base_count
from grid
left join by_district using (district_code)

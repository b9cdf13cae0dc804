-- M11.community_outlets (state): community_outlets summed over active enterprises at week end;
-- base: the enterprises with at least one outlet
with outlets as (
    select district_code, coalesce(community_outlets, 0) as outlets
    from active_enterprises
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        sum(outlets) as numerator,
        count(*) filter (where outlets > 0) as base_count
    from outlets
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    coalesce(by_district.numerator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    null as denominator,
    coalesce(by_district.base_count, 0) as base_count
from grid
left join by_district using (district_code)

-- M15.senior_care_enterprises (state): active enterprises at week end with offers_senior_care; base: the enterprises counted
with counted as (
    select district_code
    from active_enterprises
    where offers_senior_care
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as numerator
    from counted
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    coalesce(by_district.numerator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    null as denominator,
    coalesce(by_district.numerator, 0) as base_count
from grid
left join by_district using (district_code)

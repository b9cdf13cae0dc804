-- M10.median_days_to_resolve (ratio): median days from receipt to resolution of the complaints resolved
-- in the week; base: the complaints it rests on
with resolved as (
    select
        district_code,
        date_diff('day', received_on, resolved_on) as days_to_resolve,
        satisfaction
    from staging.complaints
    where status = 'resolved'
        and resolved_on >= $week_start and resolved_on < $week_end
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        median(days_to_resolve) as median_days,
        count(*) as base_count
    from resolved
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    by_district.median_days as value,
    null as numerator,
    null as denominator,
    coalesce(by_district.base_count, 0) as base_count
from grid
left join by_district using (district_code)

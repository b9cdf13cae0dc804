-- M10.resolved_within_15d_share (ratio): of complaints resolved in the week, the share resolved at most
-- 15 days after receipt; base: the complaints it rests on
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
        count(*) filter (where days_to_resolve <= 15) as numerator,
        count(*) as denominator,
        count(*) as base_count
    from resolved
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

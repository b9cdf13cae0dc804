-- M22.satisfaction_4w (ratio): mean satisfaction (1-5) of complaints resolved in the last 4 weeks that have one; base: the complaints it rests on
with resolved as (
    select
        district_code,
        date_diff('day', received_on, resolved_on) as days_to_resolve,
        satisfaction
    from staging.complaints
    where status = 'resolved'
        and resolved_on >= $weeks4_start and resolved_on < $week_end
        and satisfaction is not null
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        sum(satisfaction) as numerator,
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

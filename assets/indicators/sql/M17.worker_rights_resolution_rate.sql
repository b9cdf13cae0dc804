-- M17.worker_rights_resolution_rate (ratio): worker_rights complaints received in the last 4 weeks
-- and resolved by week end / worker_rights complaints received in the last 4 weeks; base: those complaints
with received as (
    select
        district_code,
        coalesce(status = 'resolved' and resolved_on < $week_end, false) as resolved
    from staging.complaints
    where category = 'worker_rights'
        and received_on >= $weeks4_start and received_on < $week_end
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where resolved) as numerator,
        count(*) as denominator
    from received
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    by_district.numerator / nullif(by_district.denominator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    coalesce(by_district.denominator, 0) as denominator,
    coalesce(by_district.denominator, 0) as base_count
from grid
left join by_district using (district_code)

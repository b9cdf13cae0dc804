-- M09.credit_record_share (ratio): active enterprises with has_credit_record / active enterprises; base: the active enterprises
with enterprises as (
    select district_code, coalesce(has_credit_record, false) as counted
    from active_enterprises
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where counted) as numerator,
        count(*) as denominator
    from enterprises
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

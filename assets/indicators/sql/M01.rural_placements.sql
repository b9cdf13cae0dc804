-- M01.rural_placements (flow): placements with origin_type rural; base: distinct workers
with counted_rows as (
    select *
    from staging.placements
    where event_week >= $week_start and event_week < $week_end
        and origin_type = 'rural'
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as numerator,
        count(distinct worker_id_hash) as base_count
    from counted_rows
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

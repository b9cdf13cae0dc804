-- M21.delivery_coverage (meta): (district, source) pairs that delivered a file (not rejected) for the
-- week / pairs expected: the reference districts x the five district sources
with delivered as (
    select distinct district_code, source
    from meta.load_log
    where week = $week_start
        and outcome <> 'rejected'
        and source in ('training', 'insurance', 'complaints', 'placements', 'enterprises')
        and district_code in (select district_code from districts)
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as numerator
    from delivered
    group by grouping sets ((district_code), ())
),

expected as (
    select district_code, 5 as pairs from districts
    union all
    select '110000', 5 * count(*) from districts
)

select
    grid.district_code,
    coalesce(by_district.numerator, 0) / expected.pairs as value,
    coalesce(by_district.numerator, 0) as numerator,
    expected.pairs as denominator,
    null as base_count
from grid
inner join expected using (district_code)
left join by_district using (district_code)

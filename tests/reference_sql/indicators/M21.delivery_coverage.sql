-- M21.delivery_coverage (meta): (district, source) pairs that delivered a file (not rejected) for the
-- week / pairs expected: the reference districts x the sources the contract expects from every
-- district (meta.expected_deliveries; a city-wide file such as the ledger is owed by no district)
with expected as (
    select source, district_code
    from meta.expected_deliveries
    where district_code is not null
),

delivered as (
    select distinct source, district_code
    from meta.load_log
    where week = $week_start
        and outcome <> 'rejected'
),

pairs as (
    select
        expected.district_code,
        delivered.source is not null as is_delivered
    from expected
    left join delivered using (source, district_code)
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where is_delivered) as numerator,
        count(*) as denominator
    from pairs
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    by_district.numerator / by_district.denominator as value,
    by_district.numerator,
    by_district.denominator,
    null as base_count
from grid
inner join by_district using (district_code)

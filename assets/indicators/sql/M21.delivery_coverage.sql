-- M21.delivery_coverage (meta): (district, source) pairs that delivered a file (not rejected) for the
-- period (a load for a week starting in it) / pairs expected: the reference districts x the sources the contract expects from every
-- district (meta.expected_deliveries; a city-wide file such as the ledger is owed by no district)
with expected as (
    select source, district_code
    from meta.expected_deliveries
    where district_code is not null
),

delivered as (
    select distinct periods.week_start, load_log.source, load_log.district_code
    from meta.load_log
    inner join periods
        on load_log.week >= periods.week_start and load_log.week < periods.week_end
    where load_log.outcome <> 'rejected'
),

pairs as (
    select
        periods.week_start,
        expected.district_code,
        delivered.source is not null as is_delivered
    from periods
    cross join expected
    left join delivered using (week_start, source, district_code)
),

by_district as (
    select
        week_start,
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where is_delivered) as numerator,
        count(*) as denominator
    from pairs
    group by grouping sets ((week_start, district_code), (week_start))
)

select
    period_grid.week_start,
    period_grid.district_code,
    by_district.numerator / by_district.denominator as value,
    by_district.numerator,
    by_district.denominator,
    null as base_count
from period_grid
inner join by_district using (week_start, district_code)

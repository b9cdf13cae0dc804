-- M21.fresh_measure_share (meta): measures with at least one all-Beijing indicator that has data this
-- week / the measures in the catalog; reads the week's own results (indicator_results), so it runs last
with fresh as (
    select distinct measure_id
    from indicator_results
    where district_code = '110000' and value is not null
)

select
    '110000' as district_code,
    count(*) / $measure_count as value,
    count(*) as numerator,
    $measure_count as denominator,
    null as base_count
from fresh

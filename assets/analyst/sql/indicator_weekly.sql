-- suppressed district rows keep their status but never show the small numbers behind them
create or replace view analyst.indicator_weekly as
with indicators as (
    select * from marts.indicator_weekly
)
select
    measure_id,
    indicator_id,
    week,
    district_code,
    case when suppressed then null else value end as value,
    case when suppressed then null else ytd_value end as ytd_value,
    target,
    case when suppressed then null else progress end as progress,
    case when suppressed then null else wow_change end as wow_change,
    status,
    suppressed,
    case when suppressed then null else numerator end as numerator,
    case when suppressed then null else denominator end as denominator,
    case when suppressed then null else base_count end as base_count,
    computed_at
from indicators;

-- disclosure-controlled (marts.indicator_public, assets/indicators/disclosure.py): a hidden cell
-- and every figure that could work it out again are null; `disclosure` says why
create or replace view analyst.indicator_weekly as
with indicators as (
    select * from marts.indicator_public
)
select
    measure_id,
    indicator_id,
    week,
    district_code,
    value,
    ytd_value,
    target,
    progress,
    wow_change,
    status,
    suppressed,
    disclosure,
    withheld,
    numerator,
    denominator,
    base_count,
    computed_at
from indicators;

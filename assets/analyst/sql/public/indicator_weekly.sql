-- read from the public mart itself (marts.indicator_public), whatever the internal edition
-- shows: suppressed cells and every figure that could work one out again are null
create or replace view analyst_public.indicator_weekly as
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
from marts.indicator_public;

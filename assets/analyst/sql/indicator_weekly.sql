-- the internal edition (bureau staff): every figure from marts.indicator_weekly, with the public
-- edition's disclosure beside it (marts.indicator_public, assets/indicators/disclosure.py), so an
-- analyst sees what the published tables withhold and why
create or replace view analyst.indicator_weekly as
select
    weekly.measure_id,
    weekly.indicator_id,
    weekly.week,
    weekly.district_code,
    weekly.value,
    weekly.ytd_value,
    weekly.target,
    weekly.progress,
    weekly.wow_change,
    weekly.status,
    coalesce(public.suppressed, weekly.suppressed) as suppressed,
    public.disclosure,
    public.withheld,
    weekly.numerator,
    weekly.denominator,
    weekly.base_count,
    weekly.computed_at
from marts.indicator_weekly as weekly
left join marts.indicator_public as public
    using (indicator_id, week, district_code);

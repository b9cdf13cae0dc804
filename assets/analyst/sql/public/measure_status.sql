-- city-wide: counts of indicators by status, no district figure
create or replace view analyst_public.measure_status as
select
    measure_id,
    week,
    status,
    indicators,
    indicators_with_data,
    indicators_on_track,
    indicators_at_risk,
    indicators_off_track,
    computed_at
from marts.measure_status;

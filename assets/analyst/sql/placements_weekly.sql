-- aggregated: workers are counted, never listed
create or replace view analyst.placements_weekly as
select
    event_week as week,
    district_code,
    origin_province_code,
    origin_type,
    channel,
    count(*) as placements,
    count(distinct worker_id_hash) as workers,
    count(distinct enterprise_uscc) as enterprises
from staging.placements
group by all;

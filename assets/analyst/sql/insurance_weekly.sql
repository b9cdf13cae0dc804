-- aggregated: workers are counted, never listed
create or replace view analyst.insurance_weekly as
select
    event_week as week,
    district_code,
    insurance_type,
    count(*) as enrollments,
    count(distinct worker_id_hash) as workers,
    sum(premium_cny) as premium_cny
from staging.insurance
group by all;

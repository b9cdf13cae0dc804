-- aggregated: workers are counted, never listed
create or replace view analyst.training_weekly as
select
    event_week as week,
    district_code,
    course,
    provider_type,
    count(*) as completions,
    count(distinct worker_id_hash) as workers,
    sum(hours) as hours,
    count(*) filter (where digital_certificate) as digital_certificates
from staging.training
group by all;

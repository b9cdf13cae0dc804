create or replace view analyst.complaints as
select
    complaint_id,
    week,
    received_on,
    channel,
    enterprise_uscc,
    district_code,
    category,
    status,
    resolved_on,
    resolved_on - received_on as days_to_resolve,
    satisfaction,
    is_late
from staging.complaints;

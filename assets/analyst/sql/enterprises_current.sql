create or replace view analyst.enterprises_current as
select
    uscc,
    name,
    district_code,
    subdistrict,
    registered_on,
    status,
    business_model,
    workers_count,
    has_training_center,
    community_outlets,
    is_brand,
    has_credit_record,
    offers_senior_care,
    on_digital_platform,
    uses_ai,
    valid_from
from staging.enterprises_current;

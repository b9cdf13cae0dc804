-- M10.digital_certificate_holders (state): distinct workers who ever, up to week end, had a completion
-- flagged digital_certificate; district: of the training rows; base: the workers counted
{% from "_grid.sql" import grouped, on_grid %}
with certified as (
    select distinct district_code, worker_id_hash, completed_on
    from staging.training
    where digital_certificate
),

holders as (
    -- everything completed before each period's end (an open-ended range join)
    select distinct periods.week_start, certified.district_code, certified.worker_id_hash
    from periods
    inner join certified on certified.completed_on < periods.week_end
),

by_district as (
    {% call grouped("holders") %}
        count(distinct worker_id_hash) as numerator,
        count(distinct worker_id_hash) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

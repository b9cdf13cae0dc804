-- M10.digital_certificate_holders (state): distinct workers who ever, up to week end, had a completion
-- flagged digital_certificate; district: of the training rows; base: the workers counted
{% from "_grid.sql" import grouped, on_grid %}
with holders as (
    select distinct district_code, worker_id_hash
    from staging.training
    where digital_certificate and completed_on < $week_end
),

by_district as (
    {% call grouped("holders") %}
        count(distinct worker_id_hash) as numerator,
        count(distinct worker_id_hash) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

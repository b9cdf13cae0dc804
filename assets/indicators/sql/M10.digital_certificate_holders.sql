-- M10.digital_certificate_holders (state): distinct workers who ever, up to week end, had a completion
-- flagged digital_certificate; district: of the training rows; base: the workers counted
with holders as (
    select distinct district_code, worker_id_hash
    from staging.training
    where digital_certificate and completed_on < $week_end
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(distinct worker_id_hash) as numerator
    from holders
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    coalesce(by_district.numerator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    null as denominator,
    coalesce(by_district.numerator, 0) as base_count
from grid
left join by_district using (district_code)

-- milestone_sum(measure): the ledger's quantities reported in the period for one measure; the
-- ledger has no district, so only the all-Beijing row exists
with reported as (
    select quantity
    from staging.milestones
    where {{ event_date('milestones') }} >= $week_start and {{ event_date('milestones') }} < $week_end
        and measure_id = {{ measure | literal }}
)

select
    '110000' as district_code,
    coalesce(sum(quantity), 0) as value,
    coalesce(sum(quantity), 0) as numerator,
    null as denominator,
    null as base_count
from reported

-- milestone_sum(measure, actions, unit): the ledger's quantities reported in the period for one
-- measure, from the rows whose action names one of `actions` (all the measure's rows when none)
-- and whose unit is the indicator's (a row without a unit is taken at its word); a row in another
-- unit is quarantined by the marts (marts.ledger_quarantine), never summed. The ledger has no
-- district, so only the all-Beijing row exists
with reported as (
    select quantity, unit
    from staging.milestones
    where {{ event_date('milestones') }} >= $week_start and {{ event_date('milestones') }} < $week_end
        and measure_id = {{ measure | literal }}
{% if actions %}
        and ({% for a in actions %}contains(action, {{ a | literal }}){{ " or " if not loop.last }}{% endfor %})
{% endif %}
),

in_unit as (
    select quantity
    from reported
    where unit is null or trim(unit) = {{ unit | literal }}
)

select
    '110000' as district_code,
    coalesce(sum(quantity), 0) as value,
    coalesce(sum(quantity), 0) as numerator,
    null as denominator,
    null as base_count
from in_unit

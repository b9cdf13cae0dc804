{% from "_grid.sql" import in_periods, in_span %}
-- milestone_sum(measure, actions, unit): the ledger's quantities reported in the period for one
-- measure, from the rows whose action names one of `actions` (all the measure's rows when none)
-- and whose unit is the indicator's (a row without a unit is taken at its word); a row in another
-- unit is quarantined by the marts (marts.ledger_quarantine), never summed. The ledger has no
-- district, so only the all-Beijing row exists; year-to-date: the same sum from the year start,
-- a running sum over the segments of the year
with in_unit as (
    select {{ event_date('milestones') }} as reported_day, quantity
    from staging.milestones
    where {{ in_span(event_date('milestones')) }}
        and measure_id = {{ measure | literal }}
{% if actions %}
        and ({% for a in actions %}contains(action, {{ a | literal }}){{ " or " if not loop.last }}{% endfor %})
{% endif %}
        and (unit is null or trim(unit) = {{ unit | literal }})
),

in_period as (
    {{ in_periods("in_unit", "reported_day") }}
),

by_period as (
    select week_start, sum(quantity) as total
    from in_period
    group by week_start
),

by_segment as (
    select segments.seg_start, sum(in_unit.quantity) as total
    from segments
    inner join in_unit
        on in_unit.reported_day >= segments.seg_start and in_unit.reported_day < segments.seg_end
    group by segments.seg_start
),

running as (
    select
        segments.seg_end,
        sum(coalesce(by_segment.total, 0)) over (
            partition by year(segments.seg_start)
            order by segments.seg_start
            rows between unbounded preceding and current row
        ) as ytd_value
    from segments
    left join by_segment using (seg_start)
)

select
    periods.week_start,
    '110000' as district_code,
    coalesce(by_period.total, 0) as value,
    coalesce(by_period.total, 0) as numerator,
    null as denominator,
    null as base_count,
    running.ytd_value
from periods
left join by_period using (week_start)
left join running on running.seg_end = periods.week_end

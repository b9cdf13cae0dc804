-- M22.survey_satisfaction (state): the latest satisfaction survey result (points of 100) reported in
-- the ledger for M22 by period end: rows whose action names 满意度调查结果 in unit 分. M22 rests on its
-- own survey evidence, never on the complainants M10 rates; all Beijing only (the ledger has no district)
with results as (
    select quantity, reported_on, action
    from staging.milestones
    where measure_id = 'M22'
        and contains(action, '满意度调查结果')
        and trim(unit) = '分'
),

latest as (
    -- per period, the latest result reported before its end
    select periods.week_start, results.quantity
    from periods
    inner join results on results.reported_on < periods.week_end
    qualify row_number() over (
        partition by periods.week_start order by results.reported_on desc, results.action desc
    ) = 1
)

select
    periods.week_start,
    '110000' as district_code,
    max(latest.quantity) as value,
    max(latest.quantity) as numerator,
    null as denominator,
    null as base_count
from periods
left join latest using (week_start)
group by periods.week_start

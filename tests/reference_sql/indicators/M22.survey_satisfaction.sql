-- M22.survey_satisfaction (state): the latest satisfaction survey result (points of 100) reported in
-- the ledger for M22 by week end: rows whose action names 满意度调查结果 in unit 分. M22 rests on its
-- own survey evidence, never on the complainants M10 rates; all Beijing only (the ledger has no district)
with results as (
    select quantity, reported_on
    from staging.milestones
    where measure_id = 'M22'
        and contains(action, '满意度调查结果')
        and trim(unit) = '分'
        and reported_on < $week_end
    qualify row_number() over (order by reported_on desc, action desc) = 1
)

select
    '110000' as district_code,
    max(quantity) as value,
    max(quantity) as numerator,
    null as denominator,
    null as base_count
from results

-- 措施状态历史：每项措施最近 12 周的状态
-- Measure status history: each measure's status over the last 12 reported weeks.
-- Reads: analyst.measure_status.
with weeks as (
    select distinct week from analyst.measure_status order by week desc limit 12
)
select measure_id, week, status, indicators_with_data, indicators, indicators_on_track, indicators_at_risk, indicators_off_track
from analyst.measure_status
join weeks using (week)
order by measure_id, week;

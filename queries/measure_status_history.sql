-- 措施状态历史：每项措施最近 12 周的状态（中英文名称与状态标签）
-- Measure status history: each measure's status over the last 12 reported weeks, with its title
-- and status label in both languages. Reads: analyst.measure_status, analyst.measures,
-- analyst.statuses.
with weeks as (
    select distinct week from analyst.measure_status order by week desc limit 12
)
select
    s.measure_id,
    m.title_zh,
    m.title_en,
    s.week,
    l.label_zh as status_zh,
    l.label_en as status_en,
    s.indicators_with_data,
    s.indicators,
    s.indicators_on_track,
    s.indicators_at_risk,
    s.indicators_off_track
from analyst.measure_status as s
join weeks using (week)
join analyst.measures as m using (measure_id)
left join analyst.statuses as l using (status)
order by s.measure_id, s.week;

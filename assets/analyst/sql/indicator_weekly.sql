-- suppressed district rows keep their status but never show the small numbers behind them
create or replace view analyst.indicator_weekly as
with indicators as (
    select * from marts.indicator_weekly
)
select
    measure_id,
    indicator_id,
    week,
    district_code,
    case when suppressed then null else value end as value,
    case when suppressed then null else ytd_value end as ytd_value,
    target,
    case when suppressed then null else progress end as progress,
    case when suppressed then null else wow_change end as wow_change,
    status,
    suppressed,
    case when suppressed then null else numerator end as numerator,
    case when suppressed then null else denominator end as denominator,
    case when suppressed then null else base_count end as base_count,
    computed_at
from indicators;

comment on view analyst.indicator_weekly is '指标周数据：指标×周×区（110000=全市），小样本区已抑制 / weekly indicators: indicator x week x district (110000 = all Beijing), small district counts suppressed';
comment on column analyst.indicator_weekly.measure_id is '措施编号（M01–M22） / measure id (M01-M22)';
comment on column analyst.indicator_weekly.indicator_id is '指标编号 / indicator id';
comment on column analyst.indicator_weekly.week is '报告周（周一日期） / reporting week (its Monday)';
comment on column analyst.indicator_weekly.district_code is '区划代码，110000为全市 / district code, 110000 = all Beijing';
comment on column analyst.indicator_weekly.value is '本周数值，比例为0–1；抑制时为空 / the week''s figure, shares as 0-1; null when suppressed';
comment on column analyst.indicator_weekly.ytd_value is '年初至今累计（流量指标） / year-to-date total (flow indicators)';
comment on column analyst.indicator_weekly.target is '年度目标（全市） / annual target (city-wide)';
comment on column analyst.indicator_weekly.progress is '目标完成进度 / progress towards the target';
comment on column analyst.indicator_weekly.wow_change is '较上周变化 / change from the previous week';
comment on column analyst.indicator_weekly.status is '状态：on_track、at_risk、off_track、no_data / status: on_track, at_risk, off_track, no_data';
comment on column analyst.indicator_weekly.suppressed is '是否因样本过小而抑制 / suppressed because the base is too small';
comment on column analyst.indicator_weekly.numerator is '分子（计数指标为计数） / numerator (the count for counts)';
comment on column analyst.indicator_weekly.denominator is '分母 / denominator';
comment on column analyst.indicator_weekly.base_count is '计算依据的人数、企业数或投诉数 / people, enterprises or complaints the figure rests on';
comment on column analyst.indicator_weekly.computed_at is '计算时间（UTC） / computed at (UTC)';

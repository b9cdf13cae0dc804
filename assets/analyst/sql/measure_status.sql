create or replace view analyst.measure_status as
select
    measure_id,
    week,
    status,
    indicators,
    indicators_with_data,
    indicators_on_track,
    indicators_at_risk,
    indicators_off_track,
    computed_at
from marts.measure_status;

comment on view analyst.measure_status is '措施周状态：措施×周 / measure status: measure x week';
comment on column analyst.measure_status.measure_id is '措施编号（M01–M22） / measure id (M01-M22)';
comment on column analyst.measure_status.week is '报告周（周一日期） / reporting week (its Monday)';
comment on column analyst.measure_status.status is '全市指标中最差的状态 / worst status among the measure''s city-wide indicators';
comment on column analyst.measure_status.indicators is '指标个数 / number of indicators';
comment on column analyst.measure_status.indicators_with_data is '有数据的指标个数 / indicators with data';
comment on column analyst.measure_status.indicators_on_track is '进度正常的指标个数 / indicators on track';
comment on column analyst.measure_status.indicators_at_risk is '存在风险的指标个数 / indicators at risk';
comment on column analyst.measure_status.indicators_off_track is '进度滞后的指标个数 / indicators off track';
comment on column analyst.measure_status.computed_at is '计算时间（UTC） / computed at (UTC)';

-- aggregated: workers are counted, never listed
create or replace view analyst.placements_weekly as
select
    event_week as week,
    district_code,
    origin_province_code,
    origin_type,
    channel,
    count(*) as placements,
    count(distinct worker_id_hash) as workers,
    count(distinct enterprise_uscc) as enterprises
from staging.placements
group by all;

comment on view analyst.placements_weekly is '就业对接周汇总：上岗周×区×来源省份×户籍类型×渠道 / placements by week, district, origin province, origin type and channel';
comment on column analyst.placements_weekly.week is '上岗所在周（周一日期） / week of placement (its Monday)';
comment on column analyst.placements_weekly.district_code is '区划代码 / district code';
comment on column analyst.placements_weekly.origin_province_code is '来源省份代码 / origin province code';
comment on column analyst.placements_weekly.origin_type is '户籍类型 / origin type (rural or urban)';
comment on column analyst.placements_weekly.channel is '招聘渠道 / recruitment channel';
comment on column analyst.placements_weekly.placements is '上岗人次 / placements';
comment on column analyst.placements_weekly.workers is '上岗人数（去重） / distinct workers';
comment on column analyst.placements_weekly.enterprises is '用工企业数 / distinct enterprises';

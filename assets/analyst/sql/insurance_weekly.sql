-- aggregated: workers are counted, never listed
create or replace view analyst.insurance_weekly as
select
    event_week as week,
    district_code,
    insurance_type,
    count(*) as enrollments,
    count(distinct worker_id_hash) as workers,
    sum(premium_cny) as premium_cny
from staging.insurance
group by all;

comment on view analyst.insurance_weekly is '参保周汇总：起保周×区×险种 / insurance enrollments by start week, district and type';
comment on column analyst.insurance_weekly.week is '起保所在周（周一日期） / week the cover starts (its Monday)';
comment on column analyst.insurance_weekly.district_code is '报送区代码 / delivering district code';
comment on column analyst.insurance_weekly.insurance_type is '险种 / insurance type';
comment on column analyst.insurance_weekly.enrollments is '参保人次 / enrollments';
comment on column analyst.insurance_weekly.workers is '参保人数（去重） / distinct workers';
comment on column analyst.insurance_weekly.premium_cny is '保费合计（元） / total premium (CNY)';

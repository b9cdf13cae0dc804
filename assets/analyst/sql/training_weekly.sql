-- aggregated: workers are counted, never listed
create or replace view analyst.training_weekly as
select
    event_week as week,
    district_code,
    course,
    provider_type,
    count(*) as completions,
    count(distinct worker_id_hash) as workers,
    sum(hours) as hours,
    count(*) filter (where digital_certificate) as digital_certificates
from staging.training
group by all;

comment on view analyst.training_weekly is '培训结业周汇总：结业周×区×课程×机构类型 / training completions by completion week, district, course and provider type';
comment on column analyst.training_weekly.week is '结业所在周（周一日期） / week of completion (its Monday)';
comment on column analyst.training_weekly.district_code is '区划代码 / district code';
comment on column analyst.training_weekly.course is '课程类别 / course';
comment on column analyst.training_weekly.provider_type is '培训机构类型 / provider type';
comment on column analyst.training_weekly.completions is '结业人次 / completions';
comment on column analyst.training_weekly.workers is '结业人数（去重） / distinct workers';
comment on column analyst.training_weekly.hours is '总学时 / total hours';
comment on column analyst.training_weekly.digital_certificates is '获电子证书人次 / completions with a digital certificate';

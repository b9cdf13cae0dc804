create or replace view analyst.complaints as
select
    complaint_id,
    week,
    received_on,
    channel,
    enterprise_uscc,
    district_code,
    category,
    status,
    resolved_on,
    resolved_on - received_on as days_to_resolve,
    satisfaction,
    is_late
from staging.complaints;

comment on view analyst.complaints is '投诉明细（不含个人信息） / complaints, one row each (no personal data)';
comment on column analyst.complaints.complaint_id is '投诉编号 / complaint id';
comment on column analyst.complaints.week is '报告周（周一日期） / reporting week (its Monday)';
comment on column analyst.complaints.received_on is '受理日期 / received on';
comment on column analyst.complaints.channel is '投诉渠道 / channel';
comment on column analyst.complaints.enterprise_uscc is '被投诉企业统一社会信用代码 / USCC of the enterprise complained about';
comment on column analyst.complaints.district_code is '区划代码 / district code';
comment on column analyst.complaints.category is '投诉类别 / category';
comment on column analyst.complaints.status is '办理状态 / status';
comment on column analyst.complaints.resolved_on is '办结日期 / resolved on';
comment on column analyst.complaints.days_to_resolve is '办结天数 / days to resolve';
comment on column analyst.complaints.satisfaction is '满意度（1–5） / satisfaction (1-5)';
comment on column analyst.complaints.is_late is '是否迟报 / reported late';

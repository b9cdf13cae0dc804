create or replace view analyst.enterprises_current as
select
    uscc,
    name,
    district_code,
    subdistrict,
    registered_on,
    status,
    business_model,
    workers_count,
    has_training_center,
    community_outlets,
    is_brand,
    has_credit_record,
    offers_senior_care,
    on_digital_platform,
    uses_ai,
    valid_from
from staging.enterprises_current;

comment on view analyst.enterprises_current is '家政企业当前登记信息：每个信用代码一行 / current enterprise registry: one row per USCC';
comment on column analyst.enterprises_current.uscc is '统一社会信用代码 / unified social credit code';
comment on column analyst.enterprises_current.name is '企业名称 / enterprise name';
comment on column analyst.enterprises_current.district_code is '所属区代码 / district code';
comment on column analyst.enterprises_current.subdistrict is '所属街道 / subdistrict';
comment on column analyst.enterprises_current.registered_on is '注册日期 / registered on';
comment on column analyst.enterprises_current.status is '经营状态 / status';
comment on column analyst.enterprises_current.business_model is '经营模式 / business model';
comment on column analyst.enterprises_current.workers_count is '从业人员数 / workers';
comment on column analyst.enterprises_current.has_training_center is '是否有培训基地 / has a training centre';
comment on column analyst.enterprises_current.community_outlets is '社区服务网点数 / community outlets';
comment on column analyst.enterprises_current.is_brand is '是否品牌企业 / brand enterprise';
comment on column analyst.enterprises_current.has_credit_record is '是否有信用记录 / has a credit record';
comment on column analyst.enterprises_current.offers_senior_care is '是否提供养老服务 / offers senior care';
comment on column analyst.enterprises_current.on_digital_platform is '是否入驻数字平台 / on a digital platform';
comment on column analyst.enterprises_current.uses_ai is '是否应用人工智能 / uses AI';
comment on column analyst.enterprises_current.valid_from is '本条记录生效周 / week this record took effect';

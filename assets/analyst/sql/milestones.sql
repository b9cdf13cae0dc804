create or replace view analyst.milestones as
select
    measure_id,
    week,
    agency,
    reported_on,
    action,
    quantity,
    unit,
    note,
    is_late
from marts.milestone_notes;

comment on view analyst.milestones is '工作进展台账 / milestone ledger';
comment on column analyst.milestones.measure_id is '措施编号 / measure id';
comment on column analyst.milestones.week is '报送日期所在周（周一日期） / week of the report date (its Monday)';
comment on column analyst.milestones.agency is '报送单位 / reporting agency';
comment on column analyst.milestones.reported_on is '报送日期 / reported on';
comment on column analyst.milestones.action is '工作事项 / action';
comment on column analyst.milestones.quantity is '数量 / quantity';
comment on column analyst.milestones.unit is '单位 / unit';
comment on column analyst.milestones.note is '备注 / note';
comment on column analyst.milestones.is_late is '是否迟报 / reported late';

-- counts only: quarantined rows hold raw values and hashed identities, never shown here
create or replace view analyst.quarantine_reasons as
with reasons as (
    select
        source,
        week,
        unnest(reasons) as reason
    from meta.quarantined_rows
)

select
    week,
    source,
    split_part(reason, ': ', 1) as column_name,
    reason,
    count(*) as rows
from reasons
group by all;

comment on view analyst.quarantine_reasons is '隔离原因统计：周×来源×原因 / quarantine by reason: week x source x rule broken';
comment on column analyst.quarantine_reasons.week is '报告周（周一日期） / reporting week (its Monday)';
comment on column analyst.quarantine_reasons.source is '数据来源 / source';
comment on column analyst.quarantine_reasons.column_name is '出错的列 / the column that broke a rule';
comment on column analyst.quarantine_reasons.reason is '规则，形如“列: 规则” / the rule, as "column: rule"';
comment on column analyst.quarantine_reasons.rows is '违反该规则的行数 / rows that broke it';

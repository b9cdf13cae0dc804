-- 隔离原因排行：按来源和规则统计被隔离的行数
-- Quarantine by reason: rows quarantined per source and rule, all weeks, most frequent first.
-- Reads: analyst.quarantine_reasons.
select source, reason, sum(rows) as rows, count(distinct week) as weeks, max(week) as last_week
from analyst.quarantine_reasons
group by source, reason
order by rows desc, source, reason;

-- 投诉趋势：每周投诉量、办结率、办结天数中位数和平均满意度
-- Complaints trend: complaints received per week, share resolved, median days to resolve and
-- mean satisfaction. Reads: analyst.complaints.
select
    date_trunc('week', received_on)::date as week,
    count(*) as complaints,
    avg((status = 'resolved')::int) as resolved_share,
    median(days_to_resolve) as median_days_to_resolve,
    avg(satisfaction) as mean_satisfaction
from analyst.complaints
group by all
order by week;

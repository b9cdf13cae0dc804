-- 培训结业：按课程统计今年的结业人次、人数和学时
-- Training this year by course: completions, distinct workers (per week and district, summed)
-- and hours. Reads: analyst.training_weekly.
select course, sum(completions) as completions, sum(workers) as worker_weeks, sum(hours) as hours
from analyst.training_weekly
where week >= date_trunc('year', current_date)
group by course
order by completions desc;

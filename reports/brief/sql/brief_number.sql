-- the issue number of a week's brief: the weeks with figures in the same ISO year up to it
select count(distinct week) as number
from marts.indicator_weekly
where isoyear(week) = isoyear($week) and week <= $week

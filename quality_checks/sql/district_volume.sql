-- per validated week: districts whose week arrived empty or below {floor} x their trailing
-- 4-week median, and the week itself when nothing arrived at all. {batch} holds the weeks
-- being validated; {weeks} lists those the source was due in.
with due as (
    select week from unnest({weeks}) as due(week)
),

this_week as (
    select week, district_code, count(*) as n from {batch} group by week, district_code
),

history as (
    select district_code, week, count(*) as n
    from staging.{source}
    where week >= (select min(week) from due) - interval 28 day
        and week < (select max(week) from due)
    group by district_code, week
),

recent as (
    select due.week, history.district_code, median(history.n) as median_n
    from due
    inner join history
        on history.week >= due.week - interval 28 day and history.week < due.week
    group by due.week, history.district_code
)

select recent.week, recent.district_code, coalesce(this_week.n, 0) as n, recent.median_n
from recent
left join this_week using (week, district_code)
where coalesce(this_week.n, 0) < {floor} * recent.median_n
union all
select week, null, 0, null from due where week not in (select week from {batch})

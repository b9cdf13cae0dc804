-- districts whose week arrived empty or below {floor} x their trailing 4-week median,
-- and the week itself when nothing arrived at all. {batch} is the week being validated.
with this_week as (
    select district_code, count(*) as n from {batch} group by district_code
),

history as (
    select district_code, week, count(*) as n
    from staging.{source}
    where week >= date '{week}' - interval 28 day and week < date '{week}'
    group by district_code, week
),

recent as (
    select district_code, median(n) as median_n from history group by district_code
)

select recent.district_code, coalesce(this_week.n, 0) as n, recent.median_n
from recent
left join this_week using (district_code)
where coalesce(this_week.n, 0) < {floor} * recent.median_n
union all
select null, 0, null from (select count(*) as total from {batch}) where total = 0

-- per district, the mean change in progress over the indicators rated at both the closing week
-- and the previous period's (public edition: suppressed cells do not count)
with internal as (
    select district_code, indicator_id, week, progress
    from marts.indicator_weekly
    where district_code <> '110000' and week in ($week, $previous_week) and not $public
),
public as (
    select district_code, indicator_id, week, progress
    from marts.indicator_public
    where district_code <> '110000' and week in ($week, $previous_week) and $public
        and not suppressed
),
district_rows as (
    select * from internal
    union all
    select * from public
),
now as (
    select district_code, indicator_id, progress from district_rows where week = $week
),
before as (
    select district_code, indicator_id, progress from district_rows where week = $previous_week
)
select
    n.district_code,
    avg(n.progress - b.progress) as progress_change,
    avg(n.progress) as progress,
    count(*) as indicators
from now as n
inner join before as b using (district_code, indicator_id)
where n.progress is not null and b.progress is not null
group by n.district_code
order by progress_change desc, n.district_code

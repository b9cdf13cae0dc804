-- districts with the most indicators off track this week (suppressed cells do not count)
with district_rows as (
    select district_code, indicator_id, status
    from marts.indicator_weekly
    where week = $week and district_code <> '110000' and not coalesce(suppressed, false)
)
select district_code, count(*) as off_track
from district_rows
where status = 'off_track'
group by district_code
order by off_track desc, district_code
limit 5

-- districts with the most indicators off track this week (public edition: hidden cells do not count)
with internal as (
    select district_code, indicator_id, status
    from marts.indicator_weekly
    where week = $week and district_code <> '110000' and not $public
),
public as (
    select district_code, indicator_id, status
    from marts.indicator_public
    where week = $week and district_code <> '110000' and $public and not suppressed
)
select district_code, count(*) as off_track
from (select * from internal union all select * from public) as district_rows
where status = 'off_track'
group by district_code
order by off_track desc, district_code
limit 5

-- every district's rated indicators (a target at district level: ratios and levels) this week and the week before: progress against the target,
-- only where the figure rests on enough base (not suppressed). Public edition: the published
-- figures alone (marts.indicator_public, where every hidden or revealing cell has no progress).
with internal as (
    select indicator_id, week, district_code, progress, status
    from marts.indicator_weekly
    where week in ($week, $week - interval 7 day) and not $public and not suppressed
),
public as (
    select indicator_id, week, district_code, progress, status
    from marts.indicator_public
    where week in ($week, $week - interval 7 day) and $public and not suppressed
)
select indicator_id, week::date as week, district_code, progress, status
from (select * from internal union all select * from public) as district_rows
where district_code <> '110000' and progress is not null
    and status in ('on_track', 'at_risk', 'off_track')
order by week, district_code, indicator_id

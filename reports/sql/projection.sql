-- the all-Beijing year to date of every flow with a target, week by week through the reported
-- week's year, and the reported week's year-end projection with its 80 % band (public edition:
-- a withheld year to date takes its projection with it)
with internal as (
    select
        indicator_id, week, ytd_value, target, projected_year_end, projection_low, projection_high
    from marts.indicator_weekly
    where district_code = '110000' and not $public
),
public as (
    select
        indicator_id, week, ytd_value, target, projected_year_end, projection_low, projection_high
    from marts.indicator_public
    where district_code = '110000' and $public
)
select
    indicator_id, week, ytd_value, target,
    case when week = $week then projected_year_end end as projected_year_end,
    case when week = $week then projection_low end as projection_low,
    case when week = $week then projection_high end as projection_high
from (select * from internal union all select * from public) as city
where week <= $week
    -- a week belongs to the year of its Sunday, as the calendar year to date counts it
    and year(week + interval 6 day) = year($week + interval 6 day)
    and ytd_value is not null
order by indicator_id, week

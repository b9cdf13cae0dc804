-- 落后区：最近一周各区处于 off_track / at_risk 的指标数（不予公布的区行不计）
-- Lagging districts: per district, the indicators rated off_track or at_risk in the latest week
-- (hidden district rows are left out). Reads: analyst.indicator_weekly, analyst.districts.
with latest as (
    select max(week) as week from analyst.indicator_weekly
),
rated as (
    select i.district_code, i.indicator_id, i.status
    from analyst.indicator_weekly as i
    join latest using (week)
    where i.district_code <> '110000' and not i.suppressed and i.status is not null
),
counted as (
    select
        district_code,
        count(*) filter (where status = 'off_track') as off_track,
        count(*) filter (where status = 'at_risk') as at_risk,
        count(*) as rated
    from rated
    group by district_code
)
select
    d.name_zh as district,
    d.name_en as district_en,
    c.off_track,
    c.at_risk,
    c.rated
from counted as c
join analyst.districts as d using (district_code)
order by c.off_track desc, c.at_risk desc, d.district_code;

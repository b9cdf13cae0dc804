-- The floor's indicator mart: every covered indicator on the week x district grid (all Beijing
-- only for the ledger's), no value where a source of the indicator delivered no file that week.

-- (source, week, district) pairs whose district (or the city) has the source's file that week
create or replace table floor_available as
select distinct f.source, g.week, g.district_code
from floor_grid as g
inner join floor_files as f
    on f.week = g.week
    and (g.district_code = '110000' or f.district_code is null or f.district_code = g.district_code)
union all
-- the pipeline's own records (meta indicators): there whenever any file came that week
select distinct 'meta', g.week, g.district_code
from floor_grid as g
semi join floor_files as f on f.week = g.week;

create schema if not exists marts;

create or replace table marts.indicator_weekly as
with cells as (
    select i.indicator_id, i.measure_id, i.shape, g.week, g.district_code
    from floor_indicators as i
    cross join floor_grid as g
    where not i.city_only or g.district_code = '110000'
),

available as (
    select s.indicator_id, a.week, a.district_code
    from floor_indicator_sources as s
    inner join floor_available as a using (source)
    group by s.indicator_id, a.week, a.district_code
    having count(*) = any_value(s.sources)
),

figured as (
    select
        cells.*,
        coalesce(f.numerator, 0) as numerator,
        f.numerator as f_numerator,
        coalesce(f.denominator, 0) as denominator,
        available.indicator_id is not null as is_available
    from cells
    left join floor_figures as f using (indicator_id, week, district_code)
    left join available using (indicator_id, week, district_code)
)

select
    measure_id,
    indicator_id,
    week,
    district_code,
    case
        when not is_available then null
        when shape = 'count' then numerator
        when shape = 'measured' then f_numerator
        else numerator / nullif(denominator, 0)
    end as value
from figured;

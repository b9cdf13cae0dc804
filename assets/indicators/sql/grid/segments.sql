-- The grid every indicator query reads, derived from `periods` (one row per period of the run:
-- week_start, week_end, week_last, weeks4_start, weeks52_start, year_start; see queries.py).

-- period_grid: every period x every district shown (the reference districts and 110000)
create or replace temp table period_grid as
select periods.week_start, grid.district_code
from periods
cross join grid;

-- segments: the time from the earliest year start (or period start) to the last period end, cut at every period's
-- start and end and at every 1 January. A period is a run of whole segments, and so is every
-- year-to-date [year_start, week_end): flows are aggregated once per segment, and a year-to-date
-- is a running sum over the segments of its calendar year (a segment lies in one year).
create or replace temp table segments as
with span as (
    select min(least(year_start, week_start)) as first_day, max(week_end) as last_day
    from periods
),

new_years as (
    select make_date(y::int, 1, 1) as bound
    from (select unnest(range(year(first_day), year(last_day) + 1)) as y from span)
),

bounds as (
    select week_start as bound from periods
    union
    select week_end from periods
    union
    select year_start from periods
    union
    select bound from new_years
),

ordered as (
    select
        bounds.bound as seg_start,
        lead(bounds.bound) over (order by bounds.bound) as seg_end
    from bounds, span
    where bounds.bound between span.first_day and span.last_day
)

select seg_start, seg_end
from ordered
where seg_end is not null;

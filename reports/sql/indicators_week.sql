-- every indicator × district for the week; a suppressed cell carries no figure at all
with week_rows as (
    select * from marts.indicator_weekly where week = $week
)
select
    measure_id,
    indicator_id,
    week,
    district_code,
    coalesce(suppressed, false) as suppressed,
    case when suppressed then null else value end as value,
    case when suppressed then null else ytd_value end as ytd_value,
    target,
    case when suppressed then null else progress end as progress,
    case when suppressed then null else wow_change end as wow_change,
    case when suppressed then null else status end as status
from week_rows
order by indicator_id, district_code

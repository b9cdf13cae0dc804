-- earlier weeks that received late rows in this week's load: the staging rows of every source
-- (meta.staged_rows) with week = this week and is_late, by their event week
with late as (
    select event_week
    from meta.staged_rows
    where week = $week_start
        and is_late
)

select distinct event_week as week
from late
order by week

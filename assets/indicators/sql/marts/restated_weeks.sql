-- earlier weeks that received late rows in this week's load: every source's staging rows with
-- week = this week and is_late, by their event week
with late as (
    select event_week from staging.enterprises where week = $week_start and is_late
    union all
    select event_week from staging.training where week = $week_start and is_late
    union all
    select event_week from staging.insurance where week = $week_start and is_late
    union all
    select event_week from staging.complaints where week = $week_start and is_late
    union all
    select event_week from staging.placements where week = $week_start and is_late
    union all
    select event_week from staging.milestones where week = $week_start and is_late
)

select distinct event_week as week
from late
order by week

-- each measure's status this week and the week before
with this_week as (
    select
        measure_id, status, indicators, indicators_with_data,
        indicators_on_track, indicators_at_risk, indicators_off_track
    from marts.measure_status
    where week = $week
),
last_week as (
    select measure_id, status as previous_status
    from marts.measure_status
    where week = $week - interval 7 day
)
select t.*, l.previous_status
from this_week as t
left join last_week as l using (measure_id)
order by t.measure_id

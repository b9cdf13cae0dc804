-- each measure's status at the period's closing week and at the previous period's
with this_period as (
    select
        measure_id, status, indicators, indicators_with_data,
        indicators_on_track, indicators_at_risk, indicators_off_track
    from marts.measure_status
    where week = $week
),
previous_period as (
    select measure_id, status as previous_status
    from marts.measure_status
    where week = $previous_week
)
select t.*, p.previous_status
from this_period as t
left join previous_period as p using (measure_id)
order by t.measure_id

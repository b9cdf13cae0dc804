-- all-Beijing figures of every indicator at the closing week and the previous period's closing
-- week, with the schedule gap and the year-end projection (public edition: indicator_public)
with internal as (
    select
        measure_id, indicator_id, week, value, ytd_value, target, progress, status,
        schedule_gap_pp, projected_year_end, projection_low, projection_high, false as suppressed
    from marts.indicator_weekly
    where district_code = '110000' and week in ($week, $previous_week) and not $public
),
public as (
    select
        measure_id, indicator_id, week, value, ytd_value, target, progress, status,
        schedule_gap_pp, projected_year_end, projection_low, projection_high, suppressed
    from marts.indicator_public
    where district_code = '110000' and week in ($week, $previous_week) and $public
)
select * from internal
union all
select * from public
order by indicator_id, week

-- every indicator × district for the week. Internal edition: every figure. Public edition:
-- marts.indicator_public, where a hidden cell and every figure that could reveal it are null.
with internal as (
    select
        measure_id, indicator_id, week, district_code, false as suppressed, value, ytd_value,
        target, progress, wow_change, status
    from marts.indicator_weekly
    where week = $week and not $public
),
public as (
    select
        measure_id, indicator_id, week, district_code, suppressed, value, ytd_value, target,
        progress, wow_change, status
    from marts.indicator_public
    where week = $week and $public
)
select * from internal
union all
select * from public
order by indicator_id, district_code

-- all-Beijing figures of a month or quarter with 环比 and 同比 (none for a week)
with internal as (
    select
        indicator_id, value, ytd_value, previous_value, mom_change, mom_rate,
        year_ago_value, yoy_change, yoy_rate, false as suppressed
    from marts.indicator_period
    where period = $period and district_code = '110000' and not $public
),
public as (
    select
        indicator_id, value, ytd_value, previous_value, mom_change, mom_rate,
        year_ago_value, yoy_change, yoy_rate, suppressed
    from marts.indicator_period_public
    where period = $period and district_code = '110000' and $public
)
select * from internal
union all
select * from public
order by indicator_id

-- The floor's indicator families: each query computes one indicator for every week and
-- district at once (grouping sets give the all-Beijing row), returning week, district_code,
-- numerator, denominator. Python picks the block by name and fills in the catalog's parameters.

-- name: period_count
select
    event_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    {numerator}::double as numerator,
    null::double as denominator
from staging.{source}
where {where}
group by grouping sets ((event_week, district_code), (event_week))

-- name: period_sum
select
    event_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    sum({column})::double as numerator,
    null::double as denominator
from staging.{source}
where {where}
group by grouping sets ((event_week, district_code), (event_week))

-- name: milestone_sum
select
    event_week as week,
    '110000' as district_code,
    sum(quantity)::double as numerator,
    null::double as denominator
from staging.milestones
where measure_id = {measure} and ({actions}) and (unit is null or trim(unit) = {unit})
group by event_week

-- name: enterprise_count
select
    at_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*)::double as numerator,
    null::double as denominator
from floor_active_enterprises
where {where}
group by grouping sets ((at_week, district_code), (at_week))

-- name: enterprise_share
select
    at_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*) filter (where coalesce({counted}, false))::double as numerator,
    count(*)::double as denominator
from floor_active_enterprises
group by grouping sets ((at_week, district_code), (at_week))

-- name: insured_worker_share
with insured as (
    select distinct at_week, worker_id_hash
    from floor_covering
    where insurance_type in ({insurance_types})
)

select
    a.at_week as week,
    if(grouping(a.district_code) = 1, '110000', a.district_code) as district_code,
    count(insured.worker_id_hash)::double as numerator,
    count(*)::double as denominator
from floor_active_workers as a
left join insured using (at_week, worker_id_hash)
group by grouping sets ((a.at_week, a.district_code), (a.at_week))

-- name: M01.registered_workers
select
    at_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(distinct worker_id_hash)::double as numerator,
    null::double as denominator
from floor_active_workers
group by grouping sets ((at_week, district_code), (at_week))

-- name: M03.online_channel_share
select
    event_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*) filter (
        where channel in ('live_stream', 'short_video', 'recruitment_site')
    )::double as numerator,
    count(*)::double as denominator
from staging.placements
group by grouping sets ((event_week, district_code), (event_week))

-- name: M11.community_outlets
select
    at_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    sum(coalesce(community_outlets, 0))::double as numerator,
    null::double as denominator
from floor_active_enterprises
group by grouping sets ((at_week, district_code), (at_week))

-- name: M14.employee_based_worker_share
select
    a.at_week as week,
    if(grouping(a.district_code) = 1, '110000', a.district_code) as district_code,
    count(*) filter (where coalesce(e.business_model = 'employee_based', false))::double
        as numerator,
    count(*)::double as denominator
from floor_active_workers as a
left join floor_enterprises_at_week_end as e
    on e.at_week = a.at_week and e.uscc = a.enterprise_uscc
group by grouping sets ((a.at_week, a.district_code), (a.at_week))

-- name: M10.resolved_within_15d_share
select
    date_trunc('week', resolved_on)::date as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*) filter (where date_diff('day', received_on, resolved_on) <= 15)::double
        as numerator,
    count(*)::double as denominator
from staging.complaints
where status = 'resolved' and resolved_on is not null
group by grouping sets ((1, district_code), (1))

-- name: M10.satisfaction
select
    date_trunc('week', resolved_on)::date as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    sum(satisfaction)::double as numerator,
    count(*)::double as denominator
from staging.complaints
where status = 'resolved' and resolved_on is not null and satisfaction is not null
group by grouping sets ((1, district_code), (1))

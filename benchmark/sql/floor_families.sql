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

-- name: M10.median_days_to_resolve
select
    date_trunc('week', resolved_on)::date as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    median(date_diff('day', received_on, resolved_on))::double as numerator,
    null::double as denominator
from staging.complaints
where status = 'resolved' and resolved_on is not null
group by grouping sets ((1, district_code), (1))

-- name: M17.worker_rights_resolution_rate
select
    floor_weeks.week,
    if(grouping(c.district_code) = 1, '110000', c.district_code) as district_code,
    count(*) filter (
        where coalesce(c.status = 'resolved' and c.resolved_on < floor_weeks.week + 7, false)
    )::double as numerator,
    count(*)::double as denominator
from staging.complaints as c
inner join floor_weeks
    on c.received_on >= floor_weeks.week - 21 and c.received_on < floor_weeks.week + 7
where c.category = 'worker_rights'
group by grouping sets ((floor_weeks.week, c.district_code), (floor_weeks.week))

-- name: M10.complaints_per_1000_workers
with received as (
    select
        event_week as week,
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as complaints
    from staging.complaints
    where event_week in (select week from floor_weeks)
    group by grouping sets ((event_week, district_code), (event_week))
),

workers as (
    select
        at_week as week,
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as active_workers
    from floor_active_workers
    group by grouping sets ((at_week, district_code), (at_week))
)

select
    week,
    district_code,
    coalesce(received.complaints, 0) * 1000.0 as numerator,
    workers.active_workers::double as denominator
from workers
full join received using (week, district_code)

-- name: M04.trained_worker_share
with completions as (
    select distinct worker_id_hash, event_week from staging.training
)

select
    a.at_week as week,
    if(grouping(a.district_code) = 1, '110000', a.district_code) as district_code,
    count(*) filter (where exists (
        select 1 from completions as t
        where t.worker_id_hash = a.worker_id_hash
            and t.event_week >= a.at_week - 357 and t.event_week <= a.at_week
    ))::double as numerator,
    count(*)::double as denominator
from floor_active_workers as a
group by grouping sets ((a.at_week, a.district_code), (a.at_week))

-- name: M20.intermediate_plus_share
with completed_levels as (
    select worker_id_hash, event_week, min(skill_level) as level
    from staging.training
    where skill_level between 1 and 5
    group by all
),

best as (
    select
        a.at_week,
        a.district_code,
        least(
            if(a.skill_level between 1 and 5, a.skill_level, null),
            (
                select min(t.level) from completed_levels as t
                where t.worker_id_hash = a.worker_id_hash and t.event_week <= a.at_week
            )
        ) as best
    from floor_active_workers as a
)

select
    at_week as week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*) filter (where best <= 4)::double as numerator,
    count(*)::double as denominator
from best
where best is not null
group by grouping sets ((at_week, district_code), (at_week))

-- name: M10.digital_certificate_holders
with holders as (
    select district_code, worker_id_hash, min(event_week) as first_week
    from staging.training
    where digital_certificate
    group by all
),

anywhere as (
    select worker_id_hash, min(first_week) as first_week
    from holders
    group by all
)

select
    floor_weeks.week,
    holders.district_code,
    count(distinct holders.worker_id_hash)::double as numerator,
    null::double as denominator
from holders
inner join floor_weeks on holders.first_week <= floor_weeks.week
group by all
union all
select floor_weeks.week, '110000', count(*)::double, null::double
from anywhere
inner join floor_weeks on anywhere.first_week <= floor_weeks.week
group by all

-- name: M11.subdistrict_coverage
with serving as (
    select distinct at_week, district_code, subdistrict
    from floor_active_enterprises
    where community_outlets > 0
),

status as (
    select
        floor_weeks.week,
        s.district_code,
        serving.subdistrict is not null as covered
    from floor_subdistricts as s
    cross join floor_weeks
    left join serving
        on serving.at_week = floor_weeks.week
        and serving.district_code = s.district_code
        and serving.subdistrict = s.subdistrict
)

select
    week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*) filter (where covered)::double as numerator,
    count(*)::double as denominator
from status
group by grouping sets ((week, district_code), (week))

-- name: M22.survey_satisfaction
with results as (
    select reported_on, quantity
    from staging.milestones
    where measure_id = 'M22' and contains(action, '满意度调查结果') and trim(unit) = '分'
    qualify row_number() over (partition by reported_on order by action desc) = 1
)

select
    floor_weeks.week,
    '110000' as district_code,
    results.quantity::double as numerator,
    null::double as denominator
from floor_weeks
asof inner join results on results.reported_on < floor_weeks.week + 7

-- name: M21.delivery_coverage
with expected as (
    select source, code as district_code
    from floor_district_sources
    cross join floor_districts
),

pairs as (
    select
        floor_weeks.week,
        expected.district_code,
        exists (
            select 1 from floor_files as f
            where f.week = floor_weeks.week
                and f.source = expected.source and f.district_code = expected.district_code
        ) as is_delivered
    from expected
    cross join floor_weeks
)

select
    week,
    if(grouping(district_code) = 1, '110000', district_code) as district_code,
    count(*) filter (where is_delivered)::double as numerator,
    count(*)::double as denominator
from pairs
group by grouping sets ((week, district_code), (week))

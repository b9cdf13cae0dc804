-- M03.online_channel_share (ratio): placements in the week via live_stream, short_video or
-- recruitment_site / all placements in the week; base: distinct workers placed
with placements as (
    select
        district_code,
        worker_id_hash,
        channel in ('live_stream', 'short_video', 'recruitment_site') as online
    from staging.placements
    where event_week >= $week_start and event_week < $week_end
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where online) as numerator,
        count(*) as denominator,
        count(distinct worker_id_hash) as base_count
    from placements
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    by_district.numerator / nullif(by_district.denominator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    coalesce(by_district.denominator, 0) as denominator,
    coalesce(by_district.base_count, 0) as base_count
from grid
left join by_district using (district_code)

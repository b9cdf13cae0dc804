-- M03.online_channel_share (ratio): placements in the week via live_stream, short_video or
-- recruitment_site / all placements in the week; base: distinct workers placed
{% from "_grid.sql" import grouped, on_grid %}
with placements as (
    select
        district_code,
        worker_id_hash,
        channel in ('live_stream', 'short_video', 'recruitment_site') as online
    from staging.placements
    where event_week >= $week_start and event_week < $week_end
),

by_district as (
    {% call grouped("placements") %}
        count(*) filter (where online) as numerator,
        count(*) as denominator,
        count(distinct worker_id_hash) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

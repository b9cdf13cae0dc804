-- M10.resolved_within_15d_share (ratio): of complaints resolved in the week, the share resolved at most
-- 15 days after receipt; base: the complaints it rests on
{% from "_grid.sql" import grouped, on_grid %}
with resolved as (
    select
        district_code,
        date_diff('day', received_on, resolved_on) as days_to_resolve,
        satisfaction
    from staging.complaints
    where status = 'resolved'
        and resolved_on >= $week_start and resolved_on < $week_end
),

by_district as (
    {% call grouped("resolved") %}
        count(*) filter (where days_to_resolve <= 15) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

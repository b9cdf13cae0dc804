-- M10.median_days_to_resolve (ratio): median days from receipt to resolution of the complaints resolved
-- in the week; base: the complaints it rests on
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
        median(days_to_resolve) as value,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("measured") }}

-- M22.satisfaction_4w (ratio): mean satisfaction (1-5) of complaints resolved in the last 4 weeks that have one; base: the complaints it rests on
{% from "_grid.sql" import grouped, on_grid %}
with resolved as (
    select
        district_code,
        date_diff('day', received_on, resolved_on) as days_to_resolve,
        satisfaction
    from staging.complaints
    where status = 'resolved'
        and resolved_on >= $weeks4_start and resolved_on < $week_end
        and satisfaction is not null
),

by_district as (
    {% call grouped("resolved") %}
        sum(satisfaction) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}

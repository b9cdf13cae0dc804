{% from "_grid.sql" import grouped, on_grid %}
-- period_sum(source, column, where, base): the sum of `column` over the rows of the source whose
-- event week is in the period and that match `where`; base: distinct `base`
with counted_rows as (
    select *
    from staging.{{ source }}
    where event_week >= $week_start and event_week < $week_end
{% if where %}
        and ({{ where }})
{% endif %}
),

by_district as (
    {% call grouped("counted_rows") %}
        sum({{ column }}) as numerator,
        count(distinct {{ base }}) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

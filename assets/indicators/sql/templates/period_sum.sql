{% from "_grid.sql" import grouped, in_periods, in_span, on_grid, year_to_date %}
-- period_sum(source, column, where, base): the sum of `column` over the rows of the source whose
-- event week is in the period and that match `where`; base: distinct `base`; year-to-date: the
-- same sum from the period's year start
with counted_rows as (
    select *
    from staging.{{ source }}
    where {{ in_span("event_week") }}
{% if where %}
        and ({{ where }})
{% endif %}
),

in_period as (
    {{ in_periods("counted_rows", "event_week") }}
),

by_district as (
    {% call grouped("in_period") %}
        sum({{ column }}) as numerator,
        count(distinct {{ base }}) as base_count
    {% endcall %}
),

{{ year_to_date("counted_rows", "event_week", total="sum(rows.%s)" % column) }}

{{ on_grid("count", ytd=true) }}

{% from "_grid.sql" import grouped, in_periods, in_span, on_grid, year_to_date %}
-- period_count(source, where, count_distinct, base): rows of the source whose event date is in the
-- period and that match `where` (or distinct values of `count_distinct`); base: distinct `base`;
-- year-to-date: the same count from the period's year start
with counted_rows as (
    select *
    from staging.{{ source }}
    where {{ in_span(event_date(source)) }}
{% if where %}
        and ({{ where }})
{% endif %}
),

in_period as (
    {{ in_periods("counted_rows", event_date(source)) }}
),

by_district as (
    {% call grouped("in_period") %}
        {{ "count(distinct %s)" % count_distinct if count_distinct else "count(*)" }} as numerator,
        count(distinct {{ base }}) as base_count
    {% endcall %}
),

{{ year_to_date("counted_rows", event_date(source), distinct=count_distinct) }}

{{ on_grid("count", ytd=true) }}

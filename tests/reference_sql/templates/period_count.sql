{% from "_grid.sql" import grouped, on_grid %}
-- period_count(source, where, count_distinct, base): rows of the source whose event date is in the
-- period and that match `where` (or distinct values of `count_distinct`); base: distinct `base`
with counted_rows as (
    select *
    from staging.{{ source }}
    where {{ event_date(source) }} >= $week_start and {{ event_date(source) }} < $week_end
{% if where %}
        and ({{ where }})
{% endif %}
),

by_district as (
    {% call grouped("counted_rows") %}
        {{ "count(distinct %s)" % count_distinct if count_distinct else "count(*)" }} as numerator,
        count(distinct {{ base }}) as base_count
    {% endcall %}
)

{{ on_grid("count") }}

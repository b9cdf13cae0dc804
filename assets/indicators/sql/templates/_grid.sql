{#- The shared parts of the per-district queries, for every period of the grid at once: a query
    returns one row per period (week_start) and district shown. `periods`, `period_grid` and
    `segments` are the run's grid (sql/grid/segments.sql). -#}

{#- grouped(relation): group a relation that has a `week_start` (its period) by period and
    district, plus an all-Beijing ('110000') row per period. -#}
{% macro grouped(relation) %}
    select
        week_start,
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        {{ caller() | trim }}
    from {{ relation }}
    group by grouping sets ((week_start, district_code), (week_start))
{% endmacro %}

{#- in_periods(relation, column, since="week_start"): the rows of `relation` whose `column` falls
    in a period, each with its period's week_start: [since, week_end) (since = weeks4_start or
    weeks52_start for a rolling window; periods never overlap, rolling windows may). -#}
{% macro in_periods(relation, column, since="week_start") -%}
    select periods.week_start, rows.*
    from periods
    inner join {{ relation }} as rows
        on rows.{{ column }} >= periods.{{ since }} and rows.{{ column }} < periods.week_end
{%- endmacro %}

{#- in_span(column): a filter on `column` to the span of every period and of its year-to-date:
    [the earliest year start or period start, the last period's end). -#}
{% macro in_span(column) -%}
    {{ column }} >= (select min(least(year_start, week_start)) from periods)
    and {{ column }} < (select max(week_end) from periods)
{%- endmacro %}

{#- year_to_date(relation, column, total, distinct=None): the CTEs that end in `ytd` (week_start,
    district_code, ytd_value): per period and district, `total` (an additive aggregate: count(*),
    sum(x)) over the rows of `relation` (district_code, `column`) from the period's year start
    to its end; with `distinct`, the count of distinct values of it instead. Aggregated once per
    segment, then a running sum over the segments of each calendar year (a window), read at the
    segment that ends the period. A distinct value counts in the segment where it first occurs
    in its year (per district, and for all Beijing across districts). -#}
{% macro year_to_date(relation, column, total="count(*)", distinct=None) -%}
{% if distinct %}
ytd_firsts as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        min({{ column }}) as first_on
    from (
        select district_code, {{ distinct }} as counted_value, {{ column }},
            year({{ column }}) as event_year
        from {{ relation }}
        where {{ distinct }} is not null
    )
    group by grouping sets ((district_code, counted_value, event_year), (counted_value, event_year))
),

ytd_segments as (
    select segments.seg_start, ytd_firsts.district_code, count(*) as total
    from segments
    inner join ytd_firsts
        on ytd_firsts.first_on >= segments.seg_start and ytd_firsts.first_on < segments.seg_end
    group by all
),
{% else %}
ytd_segments as (
    select
        segments.seg_start,
        if(grouping(rows.district_code) = 1, '110000', rows.district_code) as district_code,
        {{ total }} as total
    from segments
    inner join {{ relation }} as rows
        on rows.{{ column }} >= segments.seg_start and rows.{{ column }} < segments.seg_end
    group by grouping sets ((segments.seg_start, rows.district_code), (segments.seg_start))
),
{% endif %}

ytd_running as (
    select
        segments.seg_end,
        grid.district_code,
        sum(coalesce(ytd_segments.total, 0)) over (
            partition by grid.district_code, year(segments.seg_start)
            order by segments.seg_start
            rows between unbounded preceding and current row
        ) as ytd_value
    from segments
    cross join grid
    left join ytd_segments using (seg_start, district_code)
),

ytd as (
    select periods.week_start, ytd_running.district_code, ytd_running.ytd_value
    from periods
    inner join ytd_running on ytd_running.seg_end = periods.week_end
)
{%- endmacro %}

{#- on_grid(kind, ytd=false): the final select over `by_district` (numerator, denominator,
    base_count; value for `measured`) for every period and district of the grid. count: value =
    numerator, 0 where nothing was counted; ratio: numerator ÷ denominator, no value where the
    denominator is 0; measured: by_district's own value. With `ytd`, the `ytd` CTE's year-to-date. -#}
{% macro on_grid(kind, ytd=false) -%}
select
    period_grid.week_start,
    period_grid.district_code,
{% if kind == "count" %}
    coalesce(by_district.numerator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    null as denominator,
{% elif kind == "ratio" %}
    by_district.numerator / nullif(by_district.denominator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    coalesce(by_district.denominator, 0) as denominator,
{% elif kind == "measured" %}
    by_district.value,
    null as numerator,
    null as denominator,
{% endif %}
{% if ytd %}
    ytd.ytd_value,
{% endif %}
    coalesce(by_district.base_count, 0) as base_count
from period_grid
left join by_district using (week_start, district_code)
{% if ytd %}
left join ytd using (week_start, district_code)
{% endif %}
{%- endmacro %}

{#- share(relation, counted): the whole ending of a share: `by_district` counts the rows of
    `relation` (with week_start) where `counted` holds over all its rows (the base), then the grid. -#}
{% macro share(relation, counted="counted") -%}
by_district as (
    {% call grouped(relation) %}
        count(*) filter (where {{ counted }}) as numerator,
        count(*) as denominator,
        count(*) as base_count
    {% endcall %}
)

{{ on_grid("ratio") }}
{%- endmacro %}

{#- active_workers_in(relation): `workers`, each active worker of each period with `counted` =
    whether the worker is in `relation` (week_start, worker_id_hash) for that period. -#}
{% macro active_workers_in(relation) -%}
workers as (
    select
        active_workers.week_start,
        active_workers.district_code,
        {{ relation }}.worker_id_hash is not null as counted
    from active_workers
    left join {{ relation }} using (week_start, worker_id_hash)
)
{%- endmacro %}

{#- resolved_complaints(rated): `resolved`, per period the complaints resolved in it with their
    days to resolve (only those with a satisfaction score when `rated`). -#}
{% macro resolved_complaints(rated=false) -%}
resolved_rows as (
    select
        district_code,
        resolved_on,
        date_diff('day', received_on, resolved_on) as days_to_resolve,
        satisfaction
    from staging.complaints
    where status = 'resolved'
        {%- if rated %}
        and satisfaction is not null
        {%- endif %}
),

resolved as (
    {{ in_periods("resolved_rows", "resolved_on") }}
)
{%- endmacro %}

{#- The one shared tail of the per-district queries: group a relation by district plus an
    all-Beijing ('110000') row, then show every district of the grid. -#}

{% macro grouped(relation) %}
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        {{ caller() | trim }}
    from {{ relation }}
    group by grouping sets ((district_code), ())
{% endmacro %}

{#- on_grid(kind): the final select over `by_district` (numerator, denominator, base_count; value
    for `measured`). count: value = numerator, 0 where nothing was counted; ratio: numerator ÷
    denominator, no value where the denominator is 0; measured: by_district's own value. -#}
{% macro on_grid(kind) -%}
select
    grid.district_code,
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
    coalesce(by_district.base_count, 0) as base_count
from grid
left join by_district using (district_code)
{%- endmacro %}

{#- share(relation, counted): the whole ending of a share: `by_district` counts the rows of
    `relation` where `counted` holds over all its rows (the base), then the grid. -#}
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

{#- active_workers_in(relation): `workers`, each active worker with `counted` = whether the
    worker is in `relation` (a set of worker_id_hash). -#}
{% macro active_workers_in(relation) -%}
workers as (
    select
        active_workers.district_code,
        {{ relation }}.worker_id_hash is not null as counted
    from active_workers
    left join {{ relation }} using (worker_id_hash)
)
{%- endmacro %}

{#- resolved_complaints(since, rated): `resolved`, the complaints resolved from `since` to the
    week's end with their days to resolve (only those with a satisfaction score when `rated`). -#}
{% macro resolved_complaints(since="$week_start", rated=false) -%}
resolved as (
    select
        district_code,
        date_diff('day', received_on, resolved_on) as days_to_resolve,
        satisfaction
    from staging.complaints
    where status = 'resolved'
        and resolved_on >= {{ since }} and resolved_on < $week_end
        {%- if rated %}
        and satisfaction is not null
        {%- endif %}
)
{%- endmacro %}

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

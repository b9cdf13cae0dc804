-- ledger rows loaded in the week that the action routes to an indicator whose unit they do not carry:
-- never summed into it (300 人 are not 300 场), listed here with the reason. `routes` come from the
-- catalog's milestone_sum indicators (measure, action keywords, unit)
with loaded as (
    select *
    from staging.milestones
    where week = $week_start
)

{% for r in routes %}
select
    {{ r.indicator_id | literal }} as indicator_id,
    measure_id,
    agency,
    reported_on,
    action,
    quantity,
    unit,
    task_id,
    source_file,
    'unit ' || trim(unit) || ' ≠ ' || {{ r.unit | literal }} as reason
from loaded
where measure_id = {{ r.measure | literal }}
{% if r.actions %}
    and ({% for a in r.actions %}contains(action, {{ a | literal }}){{ " or " if not loop.last }}{% endfor %})
{% endif %}
    and unit is not null
    and trim(unit) <> {{ r.unit | literal }}
{{ "union all" if not loop.last }}
{% endfor %}

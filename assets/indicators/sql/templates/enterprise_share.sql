{% from "_grid.sql" import share %}
-- enterprise_share(counted): active enterprises at period end for which `counted` holds / active
-- enterprises; base: the active enterprises
with enterprises as (
    select week_start, district_code, coalesce({{ counted }}, false) as counted
    from active_enterprises
),

{{ share("enterprises") }}

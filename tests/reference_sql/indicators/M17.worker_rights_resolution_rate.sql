-- M17.worker_rights_resolution_rate (ratio): worker_rights complaints received in the last 4 weeks
-- and resolved by week end / worker_rights complaints received in the last 4 weeks; base: those complaints
{% from "_grid.sql" import share %}
with received as (
    select
        district_code,
        coalesce(status = 'resolved' and resolved_on < $week_end, false) as resolved
    from staging.complaints
    where category = 'worker_rights'
        and received_on >= $weeks4_start and received_on < $week_end
),

{{ share("received", "resolved") }}

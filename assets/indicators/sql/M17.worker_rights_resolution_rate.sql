-- M17.worker_rights_resolution_rate (ratio): worker_rights complaints received in the last 4 weeks
-- and resolved by week end / worker_rights complaints received in the last 4 weeks; base: those complaints
{% from "_grid.sql" import in_periods, share %}
with worker_rights as (
    select district_code, received_on, status, resolved_on
    from staging.complaints
    where category = 'worker_rights'
),

in_window as (
    -- the rolling 4-week window of each period (windows of periods overlap: a range join)
    {{ in_periods("worker_rights", "received_on", since="weeks4_start") }}
),

received as (
    select
        in_window.week_start,
        in_window.district_code,
        coalesce(
            in_window.status = 'resolved' and in_window.resolved_on < periods.week_end, false
        ) as resolved
    from in_window
    inner join periods using (week_start)
),

{{ share("received", "resolved") }}

-- M14.employee_based_worker_share (ratio): active workers (the register) whose registered enterprise
-- is employee_based in its registry record at week end / active workers; base: the active workers
{% from "_grid.sql" import share %}
with workers as (
    select
        active_workers.week_start,
        active_workers.district_code,
        coalesce(enterprises_at_week_end.business_model = 'employee_based', false) as counted
    from active_workers
    left join enterprises_at_week_end
        on enterprises_at_week_end.week_start = active_workers.week_start
        and enterprises_at_week_end.uscc = active_workers.enterprise_uscc
),

{{ share("workers") }}

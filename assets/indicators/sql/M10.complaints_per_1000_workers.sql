-- M10.complaints_per_1000_workers (ratio): complaints received in the week x 1000 / active workers
-- at week end; base: the active workers
{% from "_grid.sql" import grouped, in_periods, on_grid %}
with complaint_rows as (
    select district_code, event_week
    from staging.complaints
),

received_complaints as (
    {{ in_periods("complaint_rows", "event_week") }}
),

received as (
    {% call grouped("received_complaints") %}
        count(*) as complaints
    {% endcall %}
),

workers as (
    {% call grouped("active_workers") %}
        count(*) as active_workers
    {% endcall %}
),

by_district as (
    select
        week_start,
        district_code,
        coalesce(received.complaints, 0) * 1000.0 as numerator,
        workers.active_workers as denominator,
        workers.active_workers as base_count
    from workers
    full join received using (week_start, district_code)
)

{{ on_grid("ratio") }}

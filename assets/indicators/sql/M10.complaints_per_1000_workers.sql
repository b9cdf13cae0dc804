-- M10.complaints_per_1000_workers (ratio): complaints received in the week x 1000 / active workers
-- at week end; base: the active workers
with received as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as complaints
    from staging.complaints
    where event_week >= $week_start and event_week < $week_end
    group by grouping sets ((district_code), ())
),

workers as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) as active_workers
    from active_workers
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    coalesce(received.complaints, 0) * 1000.0 / nullif(workers.active_workers, 0) as value,
    coalesce(received.complaints, 0) * 1000.0 as numerator,
    coalesce(workers.active_workers, 0) as denominator,
    coalesce(workers.active_workers, 0) as base_count
from grid
left join received using (district_code)
left join workers using (district_code)

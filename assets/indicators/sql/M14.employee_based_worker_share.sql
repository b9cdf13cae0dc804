-- M14.employee_based_worker_share (ratio): active workers whose enterprise (of their covering enrollment, else latest placement)
-- is employee_based in its registry record at week end / active workers; base: the active workers
with workers as (
    select
        active_workers.district_code,
        coalesce(enterprises_at_week_end.business_model = 'employee_based', false) as counted
    from active_workers
    left join enterprises_at_week_end
        on enterprises_at_week_end.uscc = active_workers.enterprise_uscc
),

by_district as (
    select
        if(grouping(district_code) = 1, '110000', district_code) as district_code,
        count(*) filter (where counted) as numerator,
        count(*) as denominator
    from workers
    group by grouping sets ((district_code), ())
)

select
    grid.district_code,
    by_district.numerator / nullif(by_district.denominator, 0) as value,
    coalesce(by_district.numerator, 0) as numerator,
    coalesce(by_district.denominator, 0) as denominator,
    coalesce(by_district.denominator, 0) as base_count
from grid
left join by_district using (district_code)

-- M12.social_insurance_share (ratio): active workers with social insurance (pension, medical, unemployment, work_injury,
-- maternity) covering week end / active workers; base: the active workers
with insured as (
    select distinct worker_id_hash
    from covering_enrollments
    where insurance_type in ('pension', 'medical', 'unemployment', 'work_injury', 'maternity')
),

workers as (
    select
        active_workers.district_code,
        insured.worker_id_hash is not null as counted
    from active_workers
    left join insured using (worker_id_hash)
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

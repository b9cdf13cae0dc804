-- active worker: an insurance enrollment covering week end (the Sunday), or a placement in the
-- last 52 weeks. District and enterprise: the latest covering enrollment's, else the latest placement's.
create or replace temp table covering_enrollments as
select *
from staging.insurance
where start_on <= $week_last
    and (end_on is null or end_on >= $week_last);

create or replace temp table active_workers as
with latest_enrollment as (
    select worker_id_hash, district_code, enterprise_uscc
    from covering_enrollments
    qualify row_number() over (
        partition by worker_id_hash order by start_on desc, record_id desc
    ) = 1
),

latest_placement as (
    select worker_id_hash, district_code, enterprise_uscc
    from staging.placements
    where placed_on >= $weeks52_start and placed_on < $week_end
    qualify row_number() over (
        partition by worker_id_hash order by placed_on desc, placement_id desc
    ) = 1
)

select
    worker_id_hash,
    coalesce(e.district_code, p.district_code) as district_code,
    coalesce(e.enterprise_uscc, p.enterprise_uscc) as enterprise_uscc
from latest_enrollment as e
full join latest_placement as p using (worker_id_hash);

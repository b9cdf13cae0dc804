-- covering enrollments: insurance enrollments in force at week end (the Sunday)
create or replace temp table covering_enrollments as
select *
from staging.insurance
where start_on <= $week_last
    and (end_on is null or end_on >= $week_last);

-- the worker register (从业人员登记) as of week end: each registration's record valid then
create or replace temp table workers_at_week_end as
with history as (
    select * from staging.worker_history
)

select *
from history
where valid_from <= $week_start
    and (valid_to is null or valid_to > $week_start);

-- active worker: a person whose register record valid at week end has status active; the register,
-- not the insurance or placement records, is the denominator, so an uninsured worker counts.
-- District and enterprise: the person's latest active registration's.
create or replace temp table active_workers as
select worker_id_hash, district_code, enterprise_uscc, skill_level
from workers_at_week_end
where status = 'active'
qualify row_number() over (
    partition by worker_id_hash order by registered_on desc, registration_id desc
) = 1;

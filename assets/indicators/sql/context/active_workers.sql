-- covering enrollments, per period: insurance enrollments in force at the period's end (its last
-- day); a view, so a query's own filter (the insurance types) applies before the interval join
create or replace temp view covering_enrollments as
select periods.week_start, insurance.*
from periods
inner join staging.insurance as insurance
    on insurance.start_on <= periods.week_last
    and coalesce(insurance.end_on, date '9999-12-31') >= periods.week_last;

-- the worker register (从业人员登记) at each period's end: each registration's record valid then
-- (an interval join of the record versions' validity [valid_from, valid_to) with the periods:
-- the version of the reporting week of the period's last day, register_week); a
-- view: only the active workers below are kept, one row per person and period
create or replace temp view workers_at_week_end as
with history as (
    select * from staging.worker_history
)

select periods.week_start, history.*
from periods
inner join history
    on history.valid_from <= periods.register_week
    and coalesce(history.valid_to, date '9999-12-31') > periods.register_week;

-- active worker: a person whose register record valid at the period's end has status active; the
-- register, not the insurance or placement records, is the denominator, so an uninsured worker
-- counts. District and enterprise: the person's latest active registration's.
create or replace temp table active_workers as
select week_start, worker_id_hash, district_code, enterprise_uscc, skill_level
from workers_at_week_end
where status = 'active'
qualify row_number() over (
    partition by week_start, worker_id_hash order by registered_on desc, registration_id desc
) = 1;

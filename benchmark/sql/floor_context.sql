-- The floor's week-end state for the weeks of a pass (`floor_weeks`), all at once (interval
-- joins, no loop): registries, active workers and insurance in force at each week's end; temp
-- tables, so a pass replaces the last one's instead of growing the file.

create or replace temp table floor_enterprises_at_week_end as
select floor_weeks.week as at_week, v.* exclude (week)
from floor_enterprise_versions as v
inner join floor_weeks
    on v.valid_from <= floor_weeks.week
    and (v.valid_to is null or v.valid_to > floor_weeks.week);

create or replace temp table floor_active_enterprises as
select * from floor_enterprises_at_week_end where status = 'active';

-- an active worker: a person whose register record valid at week end is active; district and
-- enterprise from the person's latest active registration
create or replace temp table floor_active_workers as
select
    floor_weeks.week as at_week,
    v.worker_id_hash,
    v.district_code,
    v.enterprise_uscc,
    v.skill_level
from floor_worker_versions as v
inner join floor_weeks
    on v.valid_from <= floor_weeks.week
    and (v.valid_to is null or v.valid_to > floor_weeks.week)
where v.status = 'active'
qualify row_number() over (
    partition by floor_weeks.week, v.worker_id_hash
    order by v.registered_on desc, v.registration_id desc
) = 1;

-- insurance enrollments in force at each week's Sunday
create or replace temp table floor_covering as
select distinct floor_weeks.week as at_week, i.worker_id_hash, i.insurance_type
from staging.insurance as i
inner join floor_weeks
    on i.start_on <= floor_weeks.week + 6
    and (i.end_on is null or i.end_on >= floor_weeks.week + 6);

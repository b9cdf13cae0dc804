-- every enterprise's registry record valid at the end of the week (any status)
create or replace temp table enterprises_at_week_end as
with history as (
    select * from staging.enterprise_history
)

select *
from history
where valid_from <= $week_start
    and (valid_to is null or valid_to > $week_start);

-- active enterprise: its record valid at week end has status active
create or replace temp table active_enterprises as
select * from enterprises_at_week_end
where status = 'active';

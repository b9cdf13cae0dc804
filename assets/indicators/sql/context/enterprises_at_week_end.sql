-- every enterprise's registry record valid at the end of each period (any status): an interval
-- join of the record versions' validity [valid_from, valid_to) with the periods: the version of
-- the reporting week of the period's last day (register_week; a week's own for a week)
create or replace temp table enterprises_at_week_end as
with history as (
    select * from staging.enterprise_history
)

select periods.week_start, history.*
from periods
inner join history
    on history.valid_from <= periods.register_week
    and coalesce(history.valid_to, date '9999-12-31') > periods.register_week;

-- active enterprise: its record valid at the period's end has status active
create or replace temp table active_enterprises as
select * from enterprises_at_week_end
where status = 'active';

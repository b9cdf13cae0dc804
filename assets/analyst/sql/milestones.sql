create or replace view analyst.milestones as
select
    measure_id,
    week,
    agency,
    reported_on,
    action,
    quantity,
    unit,
    note,
    is_late
from marts.milestone_notes;

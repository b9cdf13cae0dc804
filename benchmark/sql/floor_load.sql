-- The floor: one source's delivered CSV files read by DuckDB's own reader into one table, typed
-- by cast only (no contract rules, no quarantine, no keyed hash: PII is digested by plain
-- sha256, never kept clear). {relation}: read_csv over the source's files (or, for a source
-- nothing was delivered for, an empty relation with its English headers). Python fills in the casts, one per contract column, each from
-- whichever header (English or Chinese) a file used.
create or replace table staging.{source} as
with delivered as (
    select
        *,
        regexp_extract(filename, '(\d{{4}})-W(\d{{2}})', ['y', 'w']) as iso,
        regexp_extract(filename, '([a-z0-9]+)[^/]*\.csv$', 1) as file_slug
    from {relation}
),

dated as (
    select
        *,
        make_date(iso.y::int, 1, 4) - (isodow(make_date(iso.y::int, 1, 4)) - 1)::int
        + (iso.w::int - 1) * 7 as file_week
    from delivered
),

typed as (
    select
        {columns},
        filename as source_file,
        file_week as week,
        file_slug
    from dated
)

select
    typed.* exclude (file_slug{district_exclude}),
    {district} as district_code,
    date_trunc('week', {event})::date as event_week
from typed
left join floor_districts on floor_districts.slug = typed.file_slug

create schema if not exists raw;
create schema if not exists staging;
create schema if not exists quarantine;
create schema if not exists meta;

create table if not exists meta.load_log (
    source varchar not null,
    week date not null,
    source_file varchar not null,
    file_sha256 varchar not null,
    district_code varchar,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    outcome varchar not null,
    message varchar,
    loaded_at timestamp not null
);

-- the contract's sources as data, so SQL can join them (refreshed from catalog/contract.yaml)
create table if not exists meta.sources (
    source varchar not null,
    tag varchar not null,
    title_zh varchar not null,
    title_en varchar not null,
    expected_from varchar not null
);

-- who owes a file every week: each reference district for a `districts` source, one city-wide
-- row (district_code NULL) for a `city` source
create table if not exists meta.expected_deliveries (
    source varchar not null,
    district_code varchar
);

-- what each load changed: the weeks whose figures depend on it (kind rows: that week and every
-- later one, for state, year-to-date, rolling windows; kind delivery: that week and the next)
create table if not exists meta.week_changes (
    source varchar not null,
    week date not null,
    source_file varchar not null,
    file_sha256 varchar,
    affected_week date not null,
    kind varchar not null,
    reason varchar not null,
    run_id varchar,
    changed_at timestamp not null
);

-- live files no longer in their week folder: noted, rows kept until `pmon retract`
create table if not exists meta.inbox_removals (
    source varchar not null,
    week date not null,
    source_file varchar not null,
    file_sha256 varchar not null,
    run_id varchar,
    noticed_at timestamp not null
);

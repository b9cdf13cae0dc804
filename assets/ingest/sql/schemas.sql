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

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

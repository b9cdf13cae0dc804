create schema if not exists dq;

create table if not exists dq.results (
    week date not null,
    source varchar not null,
    expectation varchar not null,
    column_name varchar,
    severity varchar not null,  -- error blocks indicators, warn does not
    success boolean not null,
    observed_value varchar,
    unexpected_count bigint,
    checked_at timestamp not null
);

create schema if not exists marts;

create table if not exists marts.indicator_weekly (
    measure_id varchar not null,
    indicator_id varchar not null,
    week date not null,
    district_code varchar not null,
    value double,
    ytd_value double,
    target double,
    progress double,
    wow_change double,
    status varchar,
    suppressed boolean not null,
    numerator double,
    denominator double,
    base_count bigint,
    computed_at timestamp not null
);

create table if not exists marts.measure_status (
    measure_id varchar not null,
    week date not null,
    status varchar not null,
    indicators bigint not null,
    indicators_with_data bigint not null,
    indicators_on_track bigint not null,
    indicators_at_risk bigint not null,
    indicators_off_track bigint not null,
    computed_at timestamp not null
);

create table if not exists marts.data_delivery (
    week date not null,
    source varchar not null,
    district_code varchar,
    files bigint not null,
    files_rejected bigint not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_late bigint not null,
    computed_at timestamp not null
);

create table if not exists marts.milestone_notes (
    measure_id varchar not null,
    week date not null,
    agency varchar,
    reported_on date,
    action varchar,
    quantity double,
    unit varchar,
    note varchar,
    source_file varchar,
    is_late boolean,
    computed_at timestamp not null
);

-- the public rows of indicator_weekly: every figure that could reveal a suppressed cell is null
-- (assets/indicators/disclosure.py decides; every published output reads this table)
create table if not exists marts.indicator_public (
    measure_id varchar not null,
    indicator_id varchar not null,
    week date not null,
    district_code varchar not null,
    value double,
    ytd_value double,
    target double,
    progress double,
    wow_change double,
    status varchar,
    suppressed boolean not null,
    numerator double,
    denominator double,
    base_count bigint,
    computed_at timestamp not null,
    disclosure varchar not null,
    withheld varchar
);

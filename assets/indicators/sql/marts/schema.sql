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

-- one row per restated week and run: what triggered it and every figure that changed
create table if not exists marts.restatements (
    week date not null,
    run_id varchar,
    run_partitions varchar,
    files varchar[] not null,
    reasons varchar[] not null,
    figures_changed bigint not null,
    changes struct(
        indicator_id varchar, district_code varchar,
        old_value double, old_ytd_value double, old_wow_change double, old_status varchar,
        new_value double, new_ytd_value double, new_wow_change double, new_status varchar
    )[],
    computed_at timestamp not null
);

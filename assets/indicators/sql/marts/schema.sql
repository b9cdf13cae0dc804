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

-- the implementation-monitoring model (issue 15): projection and distance to schedule
alter table marts.indicator_weekly add column if not exists projected_year_end double;
alter table marts.indicator_weekly add column if not exists projection_low double;
alter table marts.indicator_weekly add column if not exists projection_high double;
alter table marts.indicator_weekly add column if not exists schedule_gap_pp double;

create table if not exists marts.task_status (
    task_id varchar not null,
    measure_id varchar not null,
    week date not null,
    status varchar not null,
    due_on date,
    final_due_on date,
    done_on date,
    done_on_time boolean,
    reported_quantity double,
    quantity double,
    unit varchar,
    last_reported_on date,
    missing_reporters varchar[],
    reports_owed bigint,
    reports_received bigint,
    computed_at timestamp not null
);

create table if not exists marts.ledger_quarantine (
    week date not null,
    indicator_id varchar not null,
    measure_id varchar,
    agency varchar,
    reported_on date,
    action varchar,
    quantity double,
    unit varchar,
    task_id varchar,
    source_file varchar,
    reason varchar not null,
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

-- the public rows of indicator_weekly: every figure that could reveal a suppressed cell is null
-- (assets/indicators/disclosure.py decides; every published output reads this table)
-- (its columns are indicator_weekly's, so the two cannot drift apart, plus what disclosure says)
create table if not exists marts.indicator_public as
select *, null::varchar as disclosure, null::varchar as withheld
from marts.indicator_weekly
where false;

-- warehouses made before the projection columns existed: the same columns, withheld with the
-- year-to-date they come from
alter table marts.indicator_public add column if not exists projected_year_end double;
alter table marts.indicator_public add column if not exists projection_low double;
alter table marts.indicator_public add column if not exists projection_high double;
alter table marts.indicator_public add column if not exists schedule_gap_pp double;

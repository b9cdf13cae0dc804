-- calendar periods (months, quarters): every indicator per period and district, computed from
-- the rows dated in the period (assets/indicators/periods.py); 环比 against the previous period,
-- 同比 against the same period a year earlier (null where that period is not loaded)
create schema if not exists marts;

create table if not exists marts.indicator_period (
    period varchar not null,          -- 2026-10, 2026-Q3
    period_kind varchar not null,     -- month, quarter
    period_start date not null,
    period_end date not null,         -- exclusive: the first day after the period
    measure_id varchar not null,
    indicator_id varchar not null,
    district_code varchar not null,
    value double,
    ytd_value double,
    target double,
    progress double,
    status varchar,
    suppressed boolean not null,
    numerator double,
    denominator double,
    base_count bigint,
    previous_value double,
    mom_change double,
    mom_rate double,                  -- 环比: (this - previous) / previous
    year_ago_value double,
    yoy_change double,
    yoy_rate double,                  -- 同比: (this - a year earlier) / a year earlier
    computed_at timestamp not null
);

-- the public rows: the weekly disclosure rule per period, 环比/同比 withheld with a hidden cell
-- or a hidden comparator
create table if not exists marts.indicator_period_public as
select *, null::varchar as disclosure, null::varchar as withheld
from marts.indicator_period
where false;

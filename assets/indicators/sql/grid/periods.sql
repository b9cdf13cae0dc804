-- The one-period grid from the named parameters (a standalone query: `pmon explain`, a week run
-- on its own); the engine writes `periods` itself for a run's weeks (compute.py).
create or replace temp table periods as
select
    $week_start::date as week_start,
    $week_end::date as week_end,
    $week_last::date as week_last,
    $weeks4_start::date as weeks4_start,
    $weeks52_start::date as weeks52_start,
    $year_start::date as year_start,
    $register_week::date as register_week;

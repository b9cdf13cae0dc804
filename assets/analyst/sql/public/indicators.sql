create or replace view analyst_public.indicators as
select
    indicator_id,
    measure_id,
    name_zh,
    name_en,
    unit_zh,
    unit_en,
    kind,
    direction,
    target,
    illustrative
from analyst.indicators;

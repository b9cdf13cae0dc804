create or replace view analyst_public.measures as
select
    measure_id,
    area_id,
    title_zh,
    title_en,
    lead_unit_zh,
    lead_unit_en
from analyst.measures;

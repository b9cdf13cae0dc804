create or replace view analyst_public.districts as
select
    district_code,
    name_zh,
    name_en
from analyst.districts;

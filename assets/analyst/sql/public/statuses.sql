create or replace view analyst_public.statuses as
select
    status,
    label_zh,
    label_en
from analyst.statuses;

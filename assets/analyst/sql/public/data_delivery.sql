-- who delivered which source in which week, and whose file was rejected; no row counts: a
-- district's rows loaded is close to its count of completions, placements or complaints, and
-- would give a suppressed cell back
create or replace view analyst_public.data_delivery as
select
    week,
    source,
    district_code,
    files,
    files_rejected
from marts.data_delivery;

create or replace view analyst.data_delivery as
select
    week,
    source,
    district_code,
    files,
    files_rejected,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_late
from marts.data_delivery;

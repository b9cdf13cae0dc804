-- what each district (or, for a city-wide source, the city) delivered for each source this week
select
    district_code, source, files, files_rejected,
    rows_read, rows_loaded, rows_quarantined, rows_late
from marts.data_delivery
where week = $week

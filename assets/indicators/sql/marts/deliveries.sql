-- which source delivered a readable file for the week, from which district (NULL: a city-wide file)
select distinct source, district_code
from meta.load_log
where week = $week_start
    and outcome <> 'rejected'

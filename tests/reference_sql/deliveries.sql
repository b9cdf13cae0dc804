-- which source delivered a readable file for the week, from which district (NULL: a city-wide
-- file); a file whose latest attempt is a retraction no longer counts
with attempts as (
    select source, source_file, district_code, outcome, loaded_at
    from meta.load_log
    where week = $week_start
),

retracted as (
    select source_file
    from attempts
    qualify row_number() over (partition by source, source_file order by loaded_at desc) = 1
        and outcome = 'retracted'
)

select distinct source, district_code
from attempts
where outcome not in ('rejected', 'retracted')
    and source_file not in (select source_file from retracted)

-- what the warehouse already holds for this source: every load attempt, oldest first, with the
-- content and the week folder of each file name
with loads as (
    select source_file, file_sha256, outcome, week, loaded_at
    from meta.load_log
    where source = $source
)

select
    source_file,
    file_sha256,
    outcome,
    week
from loads
order by loaded_at

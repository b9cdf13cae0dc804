-- what the warehouse already holds for this source: which contents and which file names
with loads as (
    select source_file, file_sha256, outcome, loaded_at
    from meta.load_log
    where source = $source
)

select
    source_file,
    file_sha256,
    outcome
from loads
order by loaded_at

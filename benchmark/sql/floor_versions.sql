-- The floor's registry versions, once for all weeks: each row valid from its file's week until
-- its key's next version.

create or replace table floor_enterprise_versions as
select
    *,
    week as valid_from,
    lead(week) over (partition by uscc order by week, source_file) as valid_to
from staging.enterprises;

create or replace table floor_worker_versions as
select
    *,
    week as valid_from,
    lead(week) over (partition by registration_id order by week, source_file) as valid_to
from staging.workers;

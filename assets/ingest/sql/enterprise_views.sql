-- a registry row is a record version, valid from its reporting week until the next version's
create or replace view staging.enterprise_history as
with versions as (
    select * from staging.enterprises
),

dated as (
    select
        *,
        week as valid_from,
        lead(week) over (partition by uscc order by week, source_file, row_number) as valid_to
    from versions
)

select * from dated;

create or replace view staging.enterprises_current as
select * exclude (valid_to)
from staging.enterprise_history
where valid_to is null;

-- a registry row is a record version, valid from its reporting week until its key's next version
-- ({source}, {history_view} and {key} come from the contract: a source with `history_view`)
create or replace view staging.{history_view} as
with versions as (
    select * from staging.{source}
),

dated as (
    select
        *,
        week as valid_from,
        lead(week) over (partition by {key} order by week, source_file, row_number) as valid_to
    from versions
)

select * from dated;

create or replace view staging.{source}_current as
select * exclude (valid_to)
from staging.{history_view}
where valid_to is null;

-- counts only: quarantined rows hold raw values and hashed identities, never shown here
create or replace view analyst.quarantine_reasons as
with reasons as (
    select
        source,
        week,
        unnest(reasons) as reason
    from meta.quarantined_rows
)

select
    week,
    source,
    split_part(reason, ': ', 1) as column_name,
    reason,
    count(*) as rows
from reasons
group by all;

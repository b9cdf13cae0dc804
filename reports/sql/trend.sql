-- all-Beijing series of every indicator over every loaded week up to the reported one
-- (public edition: a withheld all-Beijing figure stays a gap)
with internal as (
    select indicator_id, week, value, status
    from marts.indicator_weekly
    where district_code = '110000' and week <= $week and not $public
),
public as (
    select indicator_id, week, value, status
    from marts.indicator_public
    where district_code = '110000' and week <= $week and $public
)
select indicator_id, week, case when status = 'no_data' then null else value end as value
from (select * from internal union all select * from public) as city
order by indicator_id, week

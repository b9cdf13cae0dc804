-- all-Beijing series of every indicator over every loaded week up to the reported one
with city as (
    select indicator_id, week, value, status
    from marts.indicator_weekly
    where district_code = '110000' and week <= $week and not coalesce(suppressed, false)
)
select indicator_id, week, case when status = 'no_data' then null else value end as value
from city
order by indicator_id, week

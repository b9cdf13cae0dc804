-- expectations that failed for the week
select source, expectation, column_name, severity, observed_value, unexpected_count
from dq.results
where week = $week and not success
order by case severity when 'error' then 0 else 1 end, source, expectation, column_name

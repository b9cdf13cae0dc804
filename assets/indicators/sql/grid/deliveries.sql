-- per period: which source delivered a readable file for a week starting in it, from which
-- district (NULL: a city-wide file); a file whose latest attempt is a retraction no longer counts.
-- `loaded` marks a period for which any file at all was loaded (the meta indicators' data).
with attempts as (
    select
        periods.week_start,
        load_log.source,
        load_log.source_file,
        load_log.district_code,
        load_log.outcome,
        load_log.loaded_at
    from meta.load_log
    inner join periods
        on load_log.week >= periods.week_start and load_log.week < periods.week_end
),

retracted as (
    select week_start, source_file
    from attempts
    qualify row_number() over (
        partition by week_start, source, source_file order by loaded_at desc
    ) = 1
        and outcome = 'retracted'
),

delivered as (
    select distinct week_start, source, district_code
    from attempts
    where outcome not in ('rejected', 'retracted')
        and not exists (
            select 1 from retracted
            where retracted.week_start = attempts.week_start
                and retracted.source_file = attempts.source_file
        )
)

select week_start, source, district_code, false as loaded_only
from delivered
union all
select distinct week_start, null, null, true
from attempts

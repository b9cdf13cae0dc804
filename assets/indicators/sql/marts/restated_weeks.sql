-- computed weeks that depend on a change loaded after they were computed (meta.week_changes,
-- written by the loader in its own transaction, whatever run it was): a change to the rows of a
-- week touches that week and every later one (state at week end, year-to-date, week-over-week
-- and rolling windows all read earlier weeks); a change to a week's deliveries only (a rejected
-- or unchanged file) touches that week and the next (week-over-week)
with computed as (
    select week, min(computed_at) as computed_at
    from marts.indicator_weekly
    group by week
),

changes as (
    select *
    from meta.week_changes
),

dependent as (
    select
        computed.week,
        changes.source_file,
        changes.source_file || ': ' || changes.reason || ' ('
        || strftime(changes.affected_week, '%G-W%V') || ')' as reason
    from computed
    inner join changes
        on changes.changed_at > computed.computed_at
        and (
            (changes.kind = 'rows' and changes.affected_week <= computed.week)
            or (
                changes.kind = 'delivery'
                and computed.week in (changes.affected_week, changes.affected_week + 7)
            )
        )
)

select
    week,
    list(distinct source_file order by source_file) as files,
    list(distinct reason order by reason) as reasons
from dependent
group by week
order by week

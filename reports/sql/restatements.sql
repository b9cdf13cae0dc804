-- weeks restated by the runs of the past seven days up to the one that computed the reported
-- week: what triggered each (files, reasons) and every figure that changed. Public edition: only
-- changes of all-Beijing figures published for that week (marts.indicator_public): a district's
-- old figure may have been withheld when first published, and the record does not say.
with computed as (
    select max(computed_at) as computed_at
    from marts.indicator_weekly
    where week = $week
),

records as (
    select
        restatements.week, restatements.computed_at, restatements.files, restatements.reasons,
        restatements.figures_changed, restatements.changes
    from marts.restatements, computed
    where restatements.week <= $week
        and restatements.computed_at <= computed.computed_at
        and restatements.computed_at > computed.computed_at - interval 7 day
),

changes as (
    select week, computed_at, unnest(changes) as change
    from records
),

published as (
    select week, indicator_id, district_code
    from marts.indicator_public
    where not suppressed and value is not null
),

shown as (
    select changes.week, changes.computed_at, changes.change
    from changes
    where not $public
        or changes.change.district_code = '110000' and exists (
            select 1 from published
            where published.week = changes.week
                and published.indicator_id = changes.change.indicator_id
                and published.district_code = changes.change.district_code
        )
)

select
    records.week, records.computed_at, records.files, records.reasons, records.figures_changed,
    coalesce(
        (
            select list(shown.change order by shown.change.indicator_id, shown.change.district_code)
            from shown
            where shown.week = records.week and shown.computed_at = records.computed_at
        ),
        []
    ) as changes
from records
order by records.week, records.computed_at

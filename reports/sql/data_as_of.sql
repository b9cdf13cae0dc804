-- when the week's figures were computed
select max(computed_at) as computed_at from marts.indicator_weekly where week = $week

-- what each district delivered for each source this week
select * from marts.data_delivery where week = $week

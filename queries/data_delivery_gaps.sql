-- 报送缺口：最近一周每个来源报送了数据的区数、被拒文件和隔离行
-- Delivery gaps: for the latest week, per source, districts that delivered, rejected files and
-- quarantined rows. Reads: analyst.data_delivery.
with latest as (
    select max(week) as week from analyst.data_delivery
)
select
    d.source,
    count(distinct d.district_code) filter (where d.files > 0) as districts_delivered,
    sum(d.files_rejected) as files_rejected,
    sum(d.rows_loaded) as rows_loaded,
    sum(d.rows_quarantined) as rows_quarantined,
    sum(d.rows_late) as rows_late
from analyst.data_delivery as d
join latest using (week)
group by d.source
order by d.source;

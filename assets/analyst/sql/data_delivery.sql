create or replace view analyst.data_delivery as
select
    week,
    source,
    district_code,
    files,
    files_rejected,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_late
from marts.data_delivery;

comment on view analyst.data_delivery is '数据报送情况：周×来源×报送区 / data delivery: week x source x delivering district';
comment on column analyst.data_delivery.week is '报告周（周一日期） / reporting week (its Monday)';
comment on column analyst.data_delivery.source is '数据来源 / source';
comment on column analyst.data_delivery.district_code is '报送区，全市或部门文件为空 / delivering district, null for city-wide or agency files';
comment on column analyst.data_delivery.files is '可读文件数 / readable files';
comment on column analyst.data_delivery.files_rejected is '被拒文件数 / rejected files';
comment on column analyst.data_delivery.rows_read is '读取行数 / rows read';
comment on column analyst.data_delivery.rows_loaded is '入库行数 / rows loaded';
comment on column analyst.data_delivery.rows_quarantined is '隔离行数 / rows quarantined';
comment on column analyst.data_delivery.rows_late is '迟报行数（事件日期在更早的周） / late rows (dated in an earlier week)';

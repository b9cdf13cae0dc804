-- the data dictionary of the analyst views, from their COMMENTs (pmon sql --schema)
with views as (
    select view_name, comment as view_comment
    from duckdb_views()
    where schema_name = 'analyst'
)
select
    'analyst.' || c.table_name as view,
    v.view_comment,
    c.column_name as "column",
    c.data_type as type,
    c.comment
from duckdb_columns() as c
join views as v on v.view_name = c.table_name
where c.schema_name = 'analyst'
order by c.table_name, c.column_index

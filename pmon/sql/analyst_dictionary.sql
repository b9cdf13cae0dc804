-- the data dictionary of the analyst database, from its COMMENTs (pmon sql --schema)
with tables as (
    select table_name, comment as table_comment
    from duckdb_tables()
    where database_name = current_database() and schema_name = 'main'
)
select
    'analyst.' || c.table_name as view,
    t.table_comment as view_comment,
    c.column_name as "column",
    c.data_type as type,
    c.comment
from duckdb_columns() as c
join tables as t on t.table_name = c.table_name
where c.database_name = current_database() and c.schema_name = 'main'
order by c.table_name, c.column_index

-- 公开版分析库：只含可对外提供的数据 / the public analyst database: only what may leave the bureau
-- (each view names its columns: a column added to an internal view is not public until added here)
create schema if not exists analyst_public;

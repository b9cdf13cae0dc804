-- 分析视图：已文档化、不含个人信息 / analyst views: documented, free of personal data
create schema if not exists analyst;

"""Ingestion: the inbox's weekly deliveries into raw, staging, quarantine and meta.load_log.

One mechanism for all sources, driven by `catalog/contract.yaml`:
- `reading.read_table(path, source)`: CSV (UTF-8, BOM, GB18030) or XLSX as text, headers mapped
  through the contract's aliases; raises `reading.Rejected` for an unusable file.
- `rules.conform(frame, source, week, district, pii_key)`: typing, every row rule, PII hashing.
- `load.load_week(conn, inbox, source, week, pii_key)`: one source-week in one transaction.
- `check.check_file(path, source, week, pii_key) -> FileCheck`: the same code path for one file,
  without a warehouse (`pmon check`).
- `warehouse.ensure_warehouse(conn)`: the tables, idempotently.
- `assets.ingest_assets`: one `staging/<source>` asset per contract source; `definitions.defs`
  hands them up.
"""

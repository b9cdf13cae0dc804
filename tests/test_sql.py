"""Analyst views and `pmon sql`: PII-free documented views copied into the analyst database, the
only file `pmon sql` opens; writes and reaches past it refused, saved queries run with names."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from sample_inbox import PHONE, W46, W47, WORKER_A, WORKER_B, write_inbox

from assets.analyst.database import analyst_path, export
from assets.analyst.views import analyst_views, indicator_public
from assets.indicators.assets import indicator_marts
from assets.ingest.assets import ingest_assets
from core import settings
from pipelines.resources import build_resources
from pmon import sql_shell
from pmon.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.sql"))


def build_warehouse(base: Path) -> Path:
    """Ingest, indicators and analyst views for both weeks, in a real instance."""
    write_inbox(settings.inbox_dir(base))
    resources = build_resources(base)
    (base / "dagster").mkdir(exist_ok=True)
    with dg.DagsterInstance.local_temp(tempdir=str(base / "dagster")) as instance:
        for week in (W46, W47):
            result = dg.materialize(
                [*ingest_assets, indicator_marts, indicator_public, analyst_views],
                instance=instance,
                resources=resources,
                partition_key=week,
            )
            assert result.success
    return settings.warehouse_path(base)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sql") / "data"
    base.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMON_PII_KEY", "test-only-pii-key-not-a-secret")
        return build_warehouse(base)


@pytest.fixture
def pmon_env(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data dir set for `pmon`; returns the analyst database `pmon sql` opens."""
    monkeypatch.setenv("PMON_DATA_DIR", str(warehouse.parent))
    return analyst_path(warehouse)


def query(warehouse: Path, sql: str) -> pl.DataFrame:
    """A query as `pmon sql` runs it: checked, on the analyst database beside the warehouse."""
    with sql_shell.connect(analyst_path(warehouse)) as conn:
        return sql_shell.run_sql(conn, sql)


def test_views_are_documented_in_chinese_and_english(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        views = conn.execute(
            "select view_name, comment from duckdb_views() where schema_name = 'analyst'"
        ).fetchall()
        columns = conn.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'analyst'"
        ).fetchall()
    assert len(views) == 10
    cjk = lambda text: any("\u4e00" <= ch <= "\u9fff" for ch in text or "")  # noqa: E731
    for name, comment in views:
        assert comment and cjk(comment) and " / " in comment, name
    for view, column, comment in columns:
        assert comment and cjk(comment) and " / " in comment, f"{view}.{column}"


def test_no_view_exposes_identity_or_phone_even_hashed(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        names = [
            c
            for (c,) in conn.execute(
                "select column_name from duckdb_columns() where schema_name = 'analyst'"
            ).fetchall()
        ]
        hashes = {
            h
            for (h,) in conn.execute(
                "select worker_id_hash from staging.training union "
                "select phone_hash from staging.training where phone_hash is not null"
            ).fetchall()
        }
        views = [v for (v,) in conn.execute(
            "select view_name from duckdb_views() where schema_name = 'analyst'"
        ).fetchall()]  # fmt: skip
        cells = set()
        for view in views:
            frame = conn.sql(f"from analyst.{view}").pl()
            cells |= {str(v) for col in frame.columns for v in frame[col].to_list()}
    assert len(hashes) == 3  # two workers, one phone: the staging table does hold them
    assert not [n for n in names if any(p in n for p in ("worker_id", "phone", "hash", "identity"))]
    assert not cells & (hashes | {WORKER_A, WORKER_B, PHONE})


def test_views_hold_the_loaded_figures(warehouse: Path):
    training = query(warehouse, "from analyst.training_weekly order by course")
    assert training.select("course", "completions", "workers", "hours").rows() == [
        ("elderly_care", 1, 1, 40.0),
        ("housekeeping", 2, 1, 20.0),
    ]
    complaints = query(warehouse, "select complaint_id, days_to_resolve from analyst.complaints")
    assert sorted(complaints.rows()) == [("C1", 3), ("C2", None), ("C3", 0), ("C4", 3)]
    reasons = query(warehouse, "select source, reason, rows from analyst.quarantine_reasons")
    assert reasons.rows() == [("complaints", "satisfaction: not an integer", 1)]


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_every_saved_query_runs_and_has_a_header(warehouse: Path, path: Path):
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("--")]
    assert len(header) >= 2 and "Reads: analyst." in text
    frame = query(warehouse, text)
    assert frame.width >= 2


def test_saved_queries_give_hand_computed_answers(warehouse: Path):
    trend = query(warehouse, (ROOT / "queries/complaints_trend.sql").read_text())
    # W46: C1 resolved in 3 days (4), C2 open, C3 same day (5); W47: C4 in 3 days (3), C5 refused
    assert [str(w) for w in trend["week"]] == [W46, W47]
    assert trend.drop("week").rows() == [(3, pytest.approx(2 / 3), 1.5, 4.5), (1, 1.0, 3.0, 3.0)]
    delivery = query(warehouse, (ROOT / "queries/data_delivery_gaps.sql").read_text())
    complaints = delivery.filter(pl.col("source") == "complaints").row(0, named=True)
    assert (complaints["rows_loaded"], complaints["rows_quarantined"]) == (1, 1)


FORBIDDEN = {
    "drop table marts.measure_status": "DROP",
    "insert into marts.measure_status select * from marts.measure_status": "INSERT",
    "update marts.indicator_weekly set value = 0": "UPDATE",
    "delete from marts.indicator_weekly": "DELETE",
    "create table t as select 1": "CREATE",
    "alter table marts.indicator_weekly add column x int": "ALTER",
    "attach '/tmp/other.duckdb' as other": "ATTACH",
    "detach warehouse": "DETACH",
    "copy (select * from analyst.complaints) to '/tmp/out.csv'": "COPY",
    "copy marts.measure_status from '/tmp/in.csv'": "COPY",
    "export database '/tmp/dump'": "EXPORT",
    "install httpfs": "INSTALL",
    "load httpfs": "LOAD",
    "set enable_external_access = true": "SET",
    "pragma enable_profiling": "PRAGMA",
    "select 1; drop table marts.measure_status": "DROP",
    "with x as (select 1) insert into marts.measure_status select * from x": "INSERT",
}


@pytest.mark.parametrize("sql,kind", FORBIDDEN.items(), ids=list(FORBIDDEN.values()))
def test_writes_are_refused_with_a_clear_message(pmon_env, capsys, sql: str, kind: str):
    before = pmon_env.stat().st_mtime_ns
    assert main(["sql", sql]) == 2
    err = capsys.readouterr().err
    assert f"refused: {kind} statements are not allowed; pmon sql is read-only" in err
    assert pmon_env.stat().st_mtime_ns == before
    with sql_shell.connect(pmon_env) as conn:
        assert sql_shell.run_sql(conn, "select count(*) as n from analyst.measure_status")["n"][0]


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from 'https://example.org/data.csv'",
        "select * from read_text('/etc/hostname')",
    ],
)
def test_no_files_or_network_beyond_the_warehouse(pmon_env, capsys, sql: str):
    assert main(["sql", sql]) == 1
    assert "disabled by configuration" in capsys.readouterr().err


def test_the_connection_itself_is_read_only(warehouse: Path):
    with sql_shell.connect(analyst_path(warehouse)) as conn:
        with pytest.raises(duckdb.Error, match="read-only"):
            conn.execute("create table t as select 1")
        with pytest.raises(duckdb.Error, match="locked"):
            conn.execute("set enable_external_access = true")


def test_formats_and_output_files(pmon_env, capsys, tmp_path: Path):
    sql = "select complaint_id, satisfaction from analyst.complaints order by 1"
    assert main(["sql", sql, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"complaint_id": "C1", "satisfaction": 4} and len(rows) == 4
    assert main(["sql", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["\ufeffcomplaint_id,satisfaction", "C1,4"]
    for fmt, reader in (("parquet", pl.read_parquet), ("xlsx", pl.read_excel)):
        out = tmp_path / f"out.{fmt}"
        assert main(["sql", sql, "--format", fmt, "-o", str(out)]) == 0
        assert reader(out)["complaint_id"].to_list() == ["C1", "C2", "C3", "C4"]
    assert main(["sql", sql, "--format", "parquet"]) == 1
    assert "give -o FILE" in capsys.readouterr().err
    assert main(["sql", "-f", str(ROOT / "queries/complaints_trend.sql")]) == 0
    assert "complaints" in capsys.readouterr().out


def test_schema_prints_the_data_dictionary(pmon_env, capsys):
    assert main(["sql", "--schema"]) == 0
    out = capsys.readouterr().out
    for view in ("analyst.indicator_weekly", "analyst.quarantine_reasons", "analyst.complaints"):
        assert view in out
    assert "days_to_resolve" in out and "办结天数 / days to resolve" in out
    assert main(["sql", "--schema", "--format", "csv"]) == 0
    dictionary = pl.read_csv(capsys.readouterr().out.encode())
    assert dictionary.columns == ["view", "view_comment", "column", "type", "comment"]
    assert dictionary["comment"].null_count() == 0


def test_missing_warehouse_is_a_clear_message(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("PMON_DATA_DIR", str(tmp_path))
    assert main(["sql", "select 1"]) == 1
    assert "no analyst database at" in capsys.readouterr().err


def test_interactive_prompt_keeps_history(pmon_env, monkeypatch, capsys):
    lines = iter(["select 40 + 2", "  as answer;", "drop table marts.measure_status;", ".quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["sql"]) == 0
    captured = capsys.readouterr()
    assert "answer" in captured.out and "42" in captured.out
    assert "internal edition" in captured.out  # the prompt says which database it reads
    assert "refused: DROP statements are not allowed" in captured.err
    history = pmon_env.parent / ".pmon_sql_history"
    assert history.is_file()


OUTSIDE = {
    "select * from staging.training": "staging.* is not open to pmon sql",
    "select * from raw.enterprises": "raw.* is not open to pmon sql",
    "select * from quarantine.training": "quarantine.* is not open to pmon sql",
    "select * from meta.load_log": "meta.* is not open to pmon sql",
    "select * from marts.indicator_weekly": "marts.* is not open to pmon sql",
    "select worker_id_hash, phone_hash from analyst.training_weekly": "worker_id_hash is a hashed",
    "select count(distinct worker_id_hash) from analyst.complaints": "worker_id_hash is a hashed",
}


@pytest.mark.parametrize("sql,message", OUTSIDE.items(), ids=list(OUTSIDE))
def test_reaching_past_the_analyst_database_is_refused(pmon_env, capsys, sql: str, message: str):
    assert main(["sql", sql]) == 2
    err = capsys.readouterr().err
    assert message in err and "analyst" in err


def test_the_analyst_database_holds_only_analyst_tables(warehouse: Path):
    """The boundary is the file: no other schema, no view over one, no hashed column in it."""
    with duckdb.connect(str(analyst_path(warehouse)), read_only=True) as conn:
        schemas = conn.sql(
            "select distinct schema_name from duckdb_tables() where database_name = 'analyst'"
        ).fetchall()
        views = conn.sql(
            "select count(*) from duckdb_views() where database_name = 'analyst' and not internal"
        ).fetchall()[0][0]
        columns = conn.sql(
            "select column_name from duckdb_columns() where database_name = 'analyst'"
        ).pl()["column_name"]
        with pytest.raises(duckdb.CatalogException):
            conn.sql("select * from staging.training")
    assert schemas == [("main",)] and views == 0
    assert not [c for c in columns if "hash" in c or "phone" in c or c == "worker_id"]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        in_warehouse = {
            name
            for (name,) in conn.sql(
                "select view_name from duckdb_views() where schema_name = 'analyst' union all "
                "select table_name from duckdb_tables() where schema_name = 'analyst'"
            ).fetchall()
        }
    assert set(query(warehouse, "select table_name from duckdb_tables()")["table_name"]) == (
        in_warehouse
    )


def test_name_tables_and_saved_queries_use_names(warehouse: Path, pmon_env, capsys):
    districts = query(warehouse, "from analyst.districts")
    assert districts.filter(pl.col("district_code") == "110102")["name_zh"].to_list() == ["西城区"]
    measures = query(warehouse, "from analyst.measures")
    assert {"measure_id", "area_id", "title_zh", "title_en", "lead_unit_zh"} <= set(
        measures.columns
    )
    indicators = query(warehouse, "from analyst.indicators")
    assert indicators["indicator_id"].n_unique() == indicators.height > 0
    assert {"unit_zh", "kind", "direction", "target", "illustrative"} <= set(indicators.columns)
    statuses = query(warehouse, "from analyst.statuses")
    assert ("off_track", "进度滞后", "Off track") in statuses.rows()
    assert main(["sql", "-f", str(ROOT / "queries/lagging_districts.sql"), "--format", "csv"]) == 0
    lagging = pl.read_csv(capsys.readouterr().out.encode())
    assert lagging.columns[:2] == ["district", "district_en"]
    assert set(lagging["district"]) <= set(districts["name_zh"])
    assert not any(str(d).startswith("110") for d in lagging["district"])


def test_the_analyst_database_is_swapped_whole(warehouse: Path, tmp_path: Path):
    """A reader that opened the old file keeps reading it; the next one sees the new rows."""
    target = tmp_path / "analyst.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        export(conn, target)
    reader = duckdb.connect(str(target), read_only=True)
    before = reader.sql("select count(*) from analyst.districts").fetchall()
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        counts = export(conn, target)
    assert reader.sql("select count(*) from analyst.districts").fetchall() == before
    reader.close()
    assert [p.name for p in tmp_path.iterdir()] == ["analyst.duckdb"]  # no temp file left
    with duckdb.connect(str(target), read_only=True) as conn:
        assert (
            conn.sql("select count(*) from analyst.districts").fetchall()[0][0]
            == (counts["districts"])
        )


# ---- the two editions -------------------------------------------------------------------------

PUBLIC = ["data_delivery", "districts", "indicator_weekly", "indicators", "measure_status",
          "measures", "statuses"]  # fmt: skip


def test_the_run_writes_both_editions_the_public_one_without_detail(warehouse: Path):
    internal, public = analyst_path(warehouse), analyst_path(warehouse, "public")
    assert (internal.name, public.name) == ("analyst.duckdb", "analyst_public.duckdb")
    tables = {}
    for edition, path in (("internal", internal), ("public", public)):
        with sql_shell.connect(path) as conn:
            assert conn.sql("select current_database()").fetchall() == [("analyst",)]
            tables[edition] = sql_shell.run_sql(
                conn, "select table_name from duckdb_tables() order by 1"
            )["table_name"].to_list()
    assert tables["public"] == PUBLIC
    detail = {"training_weekly", "placements_weekly", "insurance_weekly", "complaints",
              "enterprises_current", "milestones", "quarantine_reasons"}  # fmt: skip
    assert detail <= set(tables["internal"]) and not detail & set(tables["public"])
    with duckdb.connect(str(warehouse), read_only=True) as conn:  # documented in the warehouse
        comments = conn.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'analyst_public'"
        ).fetchall()
    assert {t for t, _, _ in comments} == set(PUBLIC)
    assert all(" / " in (c or "") for _, _, c in comments)


def test_pmon_sql_public_answers_the_name_tables_and_indicators(pmon_env, capsys):
    sql = (
        "select d.name_zh, i.name_en, w.value from analyst.indicator_weekly as w "
        "join analyst.districts as d using (district_code) "
        "join analyst.indicators as i using (indicator_id) "
        "where w.district_code = '110000' and w.value is not null order by 1, 2, 3"
    )
    assert main(["sql", "--edition", "public", sql, "--format", "csv"]) == 0
    public = pl.read_csv(capsys.readouterr().out.encode())
    assert public.height > 0 and set(public["name_zh"]) == {"北京市"}
    assert main(["sql", sql, "--format", "csv"]) == 0  # the internal edition, the default
    internal = pl.read_csv(capsys.readouterr().out.encode())
    # every published figure is the internal one; the internal edition also has what is withheld
    assert public.join(internal, on=list(public.columns), how="anti").height == 0
    assert internal.height >= public.height
    for table in ("measures", "statuses", "measure_status", "data_delivery"):
        assert (
            main(["sql", "--edition", "public", f"from analyst.{table}", "--format", "json"]) == 0
        )
        assert json.loads(capsys.readouterr().out), table


def test_pmon_sql_public_refuses_the_detail_views_by_name(pmon_env, capsys):
    assert main(["sql", "--edition", "public", "from analyst.training_weekly"]) == 1
    err = capsys.readouterr().err
    assert "公开版分析库不含 analyst.training_weekly" in err
    assert "not in the public edition" in err and "--edition internal" in err
    assert (
        main(["sql", "--edition", "public", "select rows_loaded from analyst.data_delivery"]) == 1
    )
    assert "rows_loaded" in capsys.readouterr().err  # the public delivery table has no row counts
    assert main(["sql", "from analyst.training_weekly", "--format", "csv"]) == 0  # internal has it


def test_schema_prints_the_editions_dictionary(pmon_env, capsys):
    assert main(["sql", "--edition", "public", "--schema", "--format", "csv"]) == 0
    public = pl.read_csv(capsys.readouterr().out.encode())
    assert sorted(set(public["view"])) == [f"analyst.{t}" for t in PUBLIC]
    delivery = public.filter(pl.col("view") == "analyst.data_delivery")
    assert delivery["column"].to_list() == ["week", "source", "district_code", "files",
                                            "files_rejected"]  # fmt: skip
    assert public["comment"].null_count() == 0
    assert main(["sql", "--edition", "public", "--schema"]) == 0
    out = capsys.readouterr().out
    assert "analyst.indicator_weekly" in out and "analyst.training_weekly" not in out
    with pytest.raises(SystemExit) as bad:  # argparse names the choices
        main(["sql", "--edition", "secret", "select 1"])
    assert bad.value.code == 2 and "choose from 'internal', 'public'" in capsys.readouterr().err

"""Validation: identifier macros, suites on clean and dirty weeks (GX over DuckDB), dq.results,
and a blocking check stopping the indicator marts in a real Dagster run."""

import datetime as dt
import re
import subprocess
import sys

import dagster as dg
import duckdb
import polars as pl
import pytest
from dagster_duckdb import DuckDBResource
from hypothesis import given, settings
from hypothesis import strategies as st
from identity_codes import USCC_CHARS, other_last, resident_id, uscc

from assets.indicators.assets import indicator_marts
from assets.ingest.warehouse import ensure_warehouse
from core.contract import source_names
from core.partitions import weekly_partitions
from core.settings import PROJECT_ROOT
from quality_checks.checks import build_source_checks, where_failed
from quality_checks.engine import run_suite
from quality_checks.results import ensure_dq
from quality_checks.suites import build_suite

WEEK = dt.date(2026, 11, 16)  # 2026-W47
HASH = "ab" * 32


ENT_A, ENT_B = uscc("91110108MA01ABCDE"), uscc("92110105MA0XYW123")


@pytest.fixture
def macros():
    with duckdb.connect() as conn:
        ensure_dq(conn)
        yield conn


def test_macros_on_published_examples(macros):
    rows = macros.execute(
        "select dq.uscc_ok('91350100M000100Y43'), dq.uscc_ok('91350100M000100Y44'),"
        " dq.uscc_ok('91350100M000100Y4I'), dq.resident_id_ok('11010519491231002X', date '2026-11-22'),"
        " dq.resident_id_ok('110105194912310021', date '2026-11-22'),"
        " dq.resident_id_ok(?, date '2026-11-22')",
        [resident_id("11010520291231002")],
    ).fetchall()
    # GB 32100 example valid, wrong check char, letter I not allowed; GB 11643 example valid,
    # wrong check digit, right check digit but born after the week
    assert rows == [(True, False, False, True, False, False)]


_MACROS = duckdb.connect()  # one in-memory database for the property tests' many examples
ensure_dq(_MACROS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=USCC_CHARS, min_size=17, max_size=17))
def test_uscc_macro_agrees_with_the_standard(body):
    good, bad = uscc(body), other_last(uscc(body))
    got = _MACROS.execute("select dq.uscc_ok(?), dq.uscc_ok(?)", [good, bad]).fetchall()
    assert got == [(True, False)]


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1930, 1, 1), dt.date(2008, 12, 31)), st.integers(0, 999))
def test_resident_id_macro_agrees_with_the_standard(born, serial):
    body = f"110105{born:%Y%m%d}{serial:03d}"
    good, bad = resident_id(body), other_last(resident_id(body))
    got = _MACROS.execute(
        "select dq.resident_id_ok(?, date '2026-11-22'), dq.resident_id_ok(?, date '2026-11-22')",
        [good, bad],
    ).fetchall()
    assert got == [(True, False)]


_ID_CHARS = "0123456789X" + USCC_CHARS[10:] + "IOSVZ-"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=USCC_CHARS, min_size=17, max_size=17).map(uscc),
        st.text(alphabet=_ID_CHARS, min_size=16, max_size=19),
    )
)
def test_sql_uscc_check_agrees_with_assets_identifiers(code):
    from core.identifiers import is_valid_uscc

    got = _MACROS.execute("select coalesce(dq.uscc_ok(?), false)", [code]).fetchall()[0][0]
    assert got == is_valid_uscc(code)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.builds(lambda d, n: resident_id(f"110105{d:%Y%m%d}{n:03d}"),
                  st.dates(dt.date(1890, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 999)),
        st.text(alphabet="0123456789X", min_size=17, max_size=19),
    )
)  # fmt: skip
def test_sql_resident_id_check_agrees_with_assets_identifiers(number):
    from core.identifiers import is_valid_resident_id

    today = dt.date(2026, 11, 22)
    got = _MACROS.execute(
        "select coalesce(dq.resident_id_ok(?, ?), false)", [number, today]
    ).fetchall()[0][0]
    assert got == is_valid_resident_id(number, today)


# ---- staging weeks, hand-written as ingestion would load them --------------------------------


def lineage(n: int, district: str = "haidian", week: dt.date = WEEK) -> dict:
    return {
        "source_file": [f"x/{week}/{district}.csv"] * n,
        "file_sha256": [f"sha-{district}-{week}"] * n,
        "row_number": list(range(2, n + 2)),
        "loaded_at": [dt.datetime(2026, 11, 23, 1)] * n,
        "week": [week] * n,
    }


def clean_week() -> dict[str, pl.DataFrame]:
    d = dt.date
    return {
        "enterprises": pl.DataFrame(
            {
                "uscc": [ENT_A, ENT_B],
                "name": ["家政一号", "家政二号"],
                "district_code": ["110108", "110105"],
                "registered_on": [d(2019, 5, 1), d(1998, 1, 2)],
                "status": ["active", "active"],
                "business_model": ["employee_based", "mixed"],
                "workers_count": [12, 40],
                "event_week": [WEEK] * 2,
                "is_late": [False] * 2,
                **lineage(2),
            }
        ),
        "training": pl.DataFrame(
            {
                "record_id": ["T1", "T2", "T3"],
                "worker_id_hash": [HASH] * 3,
                "enterprise_uscc": [ENT_A, None, ENT_B],
                "course": ["housekeeping", "nursing", "other"],
                "provider_type": ["enterprise", "university", "training_center"],
                "hours": [12.5, 40.0, 0.0],
                "completed_on": [d(2026, 11, 17), d(2026, 11, 22), d(2026, 11, 9)],
                "skill_level": [5, None, 0],
                "district_code": ["110108"] * 3,
                "event_week": [WEEK, WEEK, d(2026, 11, 9)],
                "is_late": [False, False, True],
                **lineage(3),
            }
        ),
        "insurance": pl.DataFrame(
            {
                "record_id": ["I1", "I2"],
                "worker_id_hash": [HASH] * 2,
                "enterprise_uscc": [ENT_A, None],
                "insurance_type": ["pension", "accident"],
                "start_on": [d(2026, 11, 16), d(2026, 11, 20)],
                "end_on": [None, d(2027, 11, 19)],
                "premium_cny": [100.0, 0.0],
                "district_code": ["110108"] * 2,
                "event_week": [WEEK] * 2,
                "is_late": [False] * 2,
                **lineage(2),
            }
        ),
        "complaints": pl.DataFrame(
            {
                "complaint_id": ["C1", "C2"],
                "received_on": [d(2026, 11, 16), d(2026, 11, 18)],
                "channel": ["12345", "app"],
                "enterprise_uscc": [ENT_B, None],
                "district_code": ["110105", "110108"],
                "category": ["price", "other"],
                "status": ["resolved", "open"],
                "resolved_on": [d(2026, 11, 16), None],
                "satisfaction": [5, None],
                "event_week": [WEEK] * 2,
                "is_late": [False] * 2,
                **lineage(2),
            }
        ),
        "placements": pl.DataFrame(
            {
                "placement_id": ["P1"],
                "worker_id_hash": [HASH],
                "enterprise_uscc": [ENT_A],
                "placed_on": [d(2026, 11, 19)],
                "district_code": ["110108"],
                "origin_province_code": ["41"],
                "origin_type": ["rural"],
                "channel": ["job_fair"],
                "event_week": [WEEK],
                "is_late": [False],
                **lineage(1),
            }
        ),
        "milestones": pl.DataFrame(
            {
                "measure_id": ["M01"],
                "agency": ["市商务局"],
                "reported_on": [d(2026, 11, 20)],
                "action": ["发布标准"],
                "quantity": [1.0],
                "event_week": [WEEK],
                "is_late": [False],
                **lineage(1, "agency"),
            }
        ),
        "workers": pl.DataFrame(
            {
                "registration_id": ["R1"],
                "worker_id_hash": [HASH],
                "enterprise_uscc": [ENT_A],
                "district_code": ["110108"],
                "registered_on": [d(2026, 3, 2)],
                "status": ["active"],
                "skill_level": [4],
                "event_week": [WEEK],
                "is_late": [False],
                **lineage(1),
            }
        ),
    }  # fmt: skip  (orders are monthly: none is due in 2026-W47)


def load(conn, source: str, frame: pl.DataFrame) -> None:
    conn.register("incoming", frame.to_arrow())
    conn.execute(f"insert into staging.{source} by name select * from incoming")
    conn.unregister("incoming")


@pytest.fixture
def warehouse(data_dir):
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as conn:
        ensure_warehouse(conn)
        yield conn


def failed(outcomes) -> set[str]:
    return {o.expectation for o in outcomes if not o.success}


def test_a_clean_week_passes_every_suite_and_builds_data_docs(warehouse, data_dir):
    from quality_checks.validate import validate_week

    for source, frame in clean_week().items():
        load(warehouse, source, frame)
    docs = data_dir / "dq" / "docs"
    for source in source_names():
        outcomes = validate_week(warehouse, source, WEEK, docs)
        assert [o.expectation for o in outcomes if not o.success] == [], source
        assert len(outcomes) == len(build_suite(source, WEEK)), source
    assert (docs / "index.html").is_file()
    assert not (PROJECT_ROOT / "gx").exists()  # no GX config written into the repo


def test_data_docs_keep_every_check_and_compile_gx_templates_once(warehouse, data_dir, monkeypatch):
    """Each check validates in a context of its own: a second check keeps the first's pages and
    compiles no template again."""
    import jinja2

    from quality_checks.validate import validate_week

    for source, frame in clean_week().items():
        load(warehouse, source, frame)
    docs = data_dir / "dq" / "docs"
    validate_week(warehouse, "training", WEEK, docs)
    compiled = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_template(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    validate_week(warehouse, "insurance", WEEK, docs)
    assert compiled == []
    pages = sorted(p.name for p in (docs / "validations").rglob("*.html"))
    assert [p.split("_")[1] for p in pages] == ["insurance", "training"]
    suites = sorted(p.name for p in (docs / "expectations").glob("*.html"))
    assert [p.split("_")[0] for p in suites] == ["insurance", "training"]
    assert "insurance" in (docs / "index.html").read_text(encoding="utf-8")


def test_a_check_lists_its_own_validation_without_walking_the_kept_ones(
    warehouse, data_dir, monkeypatch
):
    """The site keeps about 16 validation pages more each week; a check's index lists its own
    result and never walks the others, whose number would make every check slower each week."""
    from great_expectations.data_context.store import TupleFilesystemStoreBackend

    from quality_checks.validate import validate_week

    for source, frame in clean_week().items():
        load(warehouse, source, frame)
    docs = data_dir / "dq" / "docs"
    validate_week(warehouse, "training", WEEK, docs)
    walked = []
    list_keys = TupleFilesystemStoreBackend.list_keys

    def listing(self, prefix=()):
        walked.append(self.filepath_prefix)
        return list_keys(self, prefix)

    monkeypatch.setattr(TupleFilesystemStoreBackend, "list_keys", listing)
    validate_week(warehouse, "insurance", WEEK, docs)
    assert "validations" not in walked
    index = (docs / "index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r"validations/([a-z]+)_", index))
    assert listed == {"insurance"}  # its own result, as Great Expectations listed it
    assert [p.name.split("_")[1] for p in sorted((docs / "validations").rglob("*.html"))] == [
        "insurance",
        "training",
    ]


def test_each_defect_in_staging_fails_the_expectation_meant_for_it(warehouse):
    """Rows that slipped past ingestion (or were loaded by hand) are caught by the suites."""
    from quality_checks.validate import validate_week

    week = clean_week()
    load(warehouse, "enterprises", week["enterprises"])
    training = week["training"].with_columns(
        record_id=pl.Series(["T1", "T1", "T3"]),  # duplicate_key
        worker_id_hash=pl.Series([HASH, "11010519491231002X", HASH]),  # clear id leaked
        enterprise_uscc=pl.Series([other_last(ENT_A), None, uscc("91110000MA0RPHAN1")]),
        hours=pl.Series([12.5, -3.0, 0.0]),  # negative_hours
        completed_on=pl.Series([dt.date(2026, 11, 17), dt.date(2026, 11, 25), None]),
        district_code=pl.Series(["110108", "110108", "119999"]),  # unknown_district
    )  # uscc_check_char on row 1, orphan_enterprise on row 3, future_date on row 2
    load(warehouse, "training", training)
    repeated = training.head(1).with_columns(
        record_id=pl.lit("T9"), source_file=pl.lit("x/copy.csv"), enterprise_uscc=pl.lit(ENT_A)
    )  # duplicate_file: the same content under a second name
    load(warehouse, "training", repeated)
    expected = {
        "record_id_unique", "worker_id_hash_is_hash", "enterprise_uscc_check_character",
        "hours_in_range", "completed_on_not_after_week", "completed_on_not_null",
        "district_code_in_set", "enterprise_uscc_registered", "file_loaded_once",
    }  # fmt: skip
    assert failed(validate_week(warehouse, "training", WEEK)) == expected
    plain = run_suite(warehouse, build_suite("training", WEEK),
                      f"select * from staging.training where week = date '{WEEK}'")  # fmt: skip
    returned = " ".join(str(bad.rows()) for _, bad in plain)
    assert "11010519491231002X" not in returned  # what GX keeps never holds the leaked value
    assert failed(o for o, _ in plain) == expected  # both engines agree

    load(warehouse, "insurance", week["insurance"].with_columns(
        end_on=pl.Series([dt.date(2026, 11, 1), None])))  # fmt: skip
    load(warehouse, "complaints", week["complaints"].with_columns(
        resolved_on=pl.Series([dt.date(2026, 11, 10), None]),
        channel=pl.Series(["12345", "wechat"])))  # fmt: skip
    load(warehouse, "enterprises", week["enterprises"].head(1).with_columns(
        uscc=pl.lit(ENT_B), name=pl.lit("<script>x</script>"),
        week=pl.lit(WEEK + dt.timedelta(days=7))))  # fmt: skip
    # dates that contradict each other are quarantined by the loader (test_intake): no suite
    # repeats the row rule
    assert failed(validate_week(warehouse, "insurance", WEEK)) == set()
    assert failed(validate_week(warehouse, "complaints", WEEK)) == {"channel_in_set"}
    assert failed(validate_week(warehouse, "enterprises", WEEK + dt.timedelta(days=7))) == {
        "name_no_markup",
        "district_volume",
    }  # html_in_name; Chaoyang's registry fell to 0


def test_volume_warns_when_a_district_falls_below_half_its_recent_median(warehouse):
    from quality_checks.validate import validate_week

    frame = clean_week()["milestones"]
    weeks = [WEEK - dt.timedelta(days=7 * k) for k in range(4, 0, -1)]
    for w, n in zip(weeks, [10, 10, 12, 8], strict=True):  # median 10
        rows = pl.concat([frame] * n).with_columns(
            week=pl.lit(w), measure_id=pl.Series([f"M{i + 1:02d}" for i in range(n)]),
            reported_on=pl.lit(w), district_code=pl.lit("110108"))  # fmt: skip
        load(warehouse, "training", _as_training(rows))
    load(warehouse, "training", _as_training(pl.concat([frame] * 4).with_columns(
        week=pl.lit(WEEK), measure_id=pl.Series(["M01", "M02", "M03", "M04"]),
        reported_on=pl.lit(WEEK), district_code=pl.lit("110108"))))  # fmt: skip
    by_name = {
        o.expectation: o for o in validate_week(warehouse, "training", WEEK, severity="warn")
    }
    assert not by_name["district_volume"].success  # 4 < 0.5 x 10
    assert by_name["district_volume"].unexpected_count == 1
    assert by_name["district_volume"].severity == "warn"
    (place,) = where_failed(warehouse, "training", WEEK, by_name["district_volume"])
    assert place.text("training") == (
        f"海淀区 (training, training/{WEEK}/haidian.csv) 4 rows vs 10 expected"
    )


def _shifted(frame: pl.DataFrame, week: dt.date) -> pl.DataFrame:
    """A clean-week frame moved to another week: every date moves with it."""
    delta = week - WEEK
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    return frame.with_columns([pl.col(c) + delta for c in dates])


def test_a_run_validated_at_once_gives_each_week_its_own_outcomes(warehouse):
    """One GX validation over three weeks, split by week, equals validating each week alone:
    a key repeated in two weeks is no duplicate, an enterprise registered in the last week is
    unregistered in the weeks before, a date is late against its own week's Sunday."""
    from quality_checks.validate import validate_week, validate_weeks

    weeks = [WEEK - dt.timedelta(days=14), WEEK - dt.timedelta(days=7), WEEK]
    clean = clean_week()
    for week in weeks:
        for source, frame in clean.items():
            if source != "enterprises":
                load(warehouse, source, _shifted(frame, week))
    registry = clean["enterprises"]
    load(warehouse, "enterprises", _shifted(registry.head(1), weeks[0]))  # ENT_A
    load(warehouse, "enterprises", _shifted(registry.tail(1), weeks[2]))  # ENT_B, two weeks on
    warehouse.execute(  # week 1: a repeated key and negative hours; week 2: a date after Sunday
        f"update staging.training set record_id = 'T1', hours = -3 "
        f"where week = date '{weeks[0]}' and record_id = 'T2'; "
        f"update staging.training set completed_on = date '{weeks[1]}' + 9 "
        f"where week = date '{weeks[1]}' and record_id = 'T2'"
    )
    for source in source_names():
        at_once = validate_weeks(warehouse, source, weeks)
        assert at_once == {week: validate_week(warehouse, source, week) for week in weeks}, source
    training = validate_weeks(warehouse, "training", weeks)
    assert [failed(training[week]) for week in weeks] == [
        {"record_id_unique", "hours_in_range", "enterprise_uscc_registered"},
        {"completed_on_not_after_week", "enterprise_uscc_registered"},
        set(),
    ]
    by_name = {o.expectation: o for o in training[weeks[0]]}
    assert by_name["record_id_unique"].observed_value == "2 of 3 rows"


def _as_training(rows: pl.DataFrame) -> pl.DataFrame:
    """Distinct training rows for a volume test: one completion per milestone row."""
    return pl.DataFrame({
        "record_id": [f"{w}-{m}" for w, m in zip(rows["week"], rows["measure_id"], strict=True)],
        "worker_id_hash": [HASH] * rows.height, "course": ["other"] * rows.height,
        "provider_type": ["enterprise"] * rows.height, "hours": [8.0] * rows.height,
        "completed_on": rows["reported_on"], "district_code": rows["district_code"],
        "event_week": rows["week"], "is_late": [False] * rows.height,
        "source_file": [f"training/{w}/haidian.csv" for w in rows["week"]],
        "file_sha256": [f"sha-{w}" for w in rows["week"]], "row_number": list(range(rows.height)),
        "loaded_at": [dt.datetime(2026, 11, 23)] * rows.height, "week": rows["week"],
    })  # fmt: skip


# ---- Dagster ----------------------------------------------------------------------------------


@dg.asset(key=["staging", "training"], partitions_def=weekly_partitions)
def bad_training(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> None:
    """Stands in for ingestion: a week with a negative hours value and a repeated key."""
    with warehouse.get_connection() as conn:
        ensure_warehouse(conn)
        frame = clean_week()["training"].with_columns(
            hours=pl.Series([12.5, -3.0, 0.0]), record_id=pl.Series(["T1", "T2", "T2"])
        )
        load(conn, "training", frame)


def test_a_blocking_failure_stops_the_indicator_marts_and_says_why(instance, resources, data_dir):
    result = dg.materialize(
        [bad_training, *build_source_checks("training"), indicator_marts],
        instance=instance,
        resources=resources,
        partition_key=WEEK.isoformat(),
        raise_on_error=False,
    )
    done = {m.asset_key for m in result.get_asset_materialization_events() if m.asset_key}
    assert dg.AssetKey(["staging", "training"]) in done
    assert not any(k.path[0] == "marts" for k in done)  # blocked
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    contract = checks["contract"]
    assert not contract.passed and contract.severity == dg.AssetCheckSeverity.ERROR
    assert "hours_in_range" in contract.description and "record_id_unique" in contract.description
    assert "hours_in_range error: 海淀区 (training, x/2026-11-16/haidian.csv) 1 rows" in (
        contract.description
    )  # the district and file of the negative hours, not only a count
    warning = checks["consistency"]  # no registry loaded: both references are orphans
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert warning.description.startswith("1 expectation(s) failed: enterprise_uscc_registered")
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select expectation, severity, success, unexpected_count from dq.results"
            " where week = ? and source = 'training' order by expectation", [WEEK]
        ).fetchall()  # fmt: skip
    names = [r[0] for r in rows]
    assert sorted(names) == sorted(e.name for e in build_suite("training", WEEK))  # one each
    assert ("hours_in_range", "error", False, 1) in rows
    assert ("record_id_unique", "error", False, 2) in rows

    again = dg.materialize(  # a re-run replaces the partition's rows instead of adding to them
        [bad_training, *build_source_checks("training")], instance=instance,
        resources=resources, partition_key=WEEK.isoformat(), raise_on_error=False)  # fmt: skip
    assert again.get_asset_check_evaluations()
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        count = conn.execute("select count(*) from dq.results").fetchall()[0][0]
    assert count == len(names)


def test_loading_checks_and_the_check_command_imports_no_great_expectations():
    code = (
        "import sys, quality_checks.definitions, pmon.commands.check, pmon.cli;"
        "pmon.cli.build_parser();"
        "print(','.join(m for m in ('great_expectations', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == ""


def write_inbox_week(inbox, folder: str = "2026-W47") -> None:
    """A clean delivery of every source, as district clerks and agencies send them."""
    worker = resident_id("11010519850312123")
    files = {
        "enterprises/haidian.csv": [
            "uscc,name,district_code,registered_on,status,business_model",
            f"{ENT_A},家政一号,110108,2019-05-01,active,mixed",
            f"{ENT_B},家政二号,110105,2001-03-01,active,intermediary",
        ],
        "training/haidian.csv": [
            "record_id,worker_id,enterprise_uscc,course,provider_type,hours,completed_on",
            f"T1,{worker},{ENT_A},housekeeping,enterprise,12,2026-11-17",
        ],
        "insurance/haidian.csv": [
            "record_id,worker_id,enterprise_uscc,insurance_type,start_on",
            f"I1,{worker},{ENT_A},pension,2026-11-18",
        ],
        "complaints/chaoyang.csv": [
            "complaint_id,received_on,channel,district_code,category,status",
            "C1,2026-11-19,12345,110105,price,open",
        ],
        "placements/haidian.csv": [
            "placement_id,worker_id,enterprise_uscc,placed_on,district_code,"
            "origin_province_code,origin_type,channel",
            f"P1,{worker},{ENT_B},2026-11-20,110108,41,rural,job_fair",
        ],
        "milestones/agency.csv": [
            "measure_id,agency,reported_on,action,quantity",
            "M01,市商务局,2026-11-20,发布标准,1",
        ],
        "workers/haidian.csv": [
            "registration_id,worker_id,enterprise_uscc,district_code,registered_on,status",
            f"R1,{worker},{ENT_A},110108,2026-03-02,active",
        ],
    }  # fmt: skip  (orders are monthly: none is due in 2026-W47)
    for name, lines in files.items():
        source, file = name.split("/")
        path = inbox / source / folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_clean_inbox_week_passes_every_check_and_reaches_the_marts(instance, resources, data_dir):
    from assets.ingest.assets import ingest_assets
    from quality_checks.checks import quality_checks

    write_inbox_week(data_dir / "inbox")
    result = dg.materialize(
        [*ingest_assets, *quality_checks, indicator_marts],
        instance=instance,
        resources=resources,
        partition_key=WEEK.isoformat(),
        raise_on_error=False,
    )
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == 2 * len(source_names())
    assert [(e.asset_key.path[1], e.check_name) for e in evaluations if not e.passed] == []
    done = {m.asset_key for m in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "indicator_weekly"]) in done
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        per_source = dict(
            conn.execute("select source, count(*) from dq.results group by source").fetchall()
        )
    assert per_source == {s: len(build_suite(s, WEEK)) for s in source_names()}


def test_a_failed_check_names_the_district_and_file_that_failed(instance, resources, data_dir):
    """A real delivery through ingest: Haidian's training file names an enterprise the registry
    does not hold; the warning names 海淀区 and the file, in the description and the metadata."""
    from assets.ingest.assets import ingest_assets

    write_inbox_week(data_dir / "inbox")
    training = data_dir / "inbox" / "training" / "2026-W47" / "haidian.csv"
    orphan = uscc("91110108MA0RPHAN1")  # a valid code no enterprise file registers
    text = training.read_text(encoding="utf-8").replace(ENT_A, orphan)
    training.write_text(text, encoding="utf-8")
    result = dg.materialize(
        [*ingest_assets, *build_source_checks("training")],
        instance=instance,
        resources=resources,
        partition_key=WEEK.isoformat(),
        raise_on_error=False,
    )
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    warning = checks["consistency"]
    assert not warning.passed and checks["contract"].passed
    assert (
        "enterprise_uscc_registered warn: 海淀区 (training, training/2026-W47/haidian.csv) 1 rows"
        in warning.description
    )
    metadata = {k: v.value for k, v in warning.metadata.items()}
    assert metadata["failed_districts"] == "海淀区"
    assert metadata["failed_files"] == "- `training/2026-W47/haidian.csv`"
    assert "海淀区 (training, training/2026-W47/haidian.csv)" in metadata["failures"]
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        delivered = conn.execute(  # the file really is Haidian's delivery, and really orphaned
            "select l.district_code, s.enterprise_uscc from meta.load_log as l join "
            "staging.training as s using (source_file) where l.source = 'training'"
        ).fetchall()
    assert delivered == [("110108", orphan)]


def test_an_empty_week_is_a_warning_not_a_silent_pass(warehouse):
    from quality_checks.validate import validate_week

    by_name = {o.expectation: o for o in validate_week(warehouse, "milestones", WEEK)}
    assert not by_name["week_not_empty"].success and by_name["week_not_empty"].severity == "warn"
    assert [n for n, o in by_name.items() if not o.success] == ["week_not_empty"]
    training = {
        o.expectation: o for o in validate_week(warehouse, "training", WEEK, severity="warn")
    }
    assert not training["district_volume"].success  # empty_file: nothing arrived this week


def test_a_column_of_the_wrong_type_fails_column_types(data_dir):
    from quality_checks.validate import validate_week

    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as conn:
        conn.execute("create schema staging")
        conn.execute(  # quantity typed as text, as a broken loader might leave it
            "create table staging.milestones (measure_id varchar, agency varchar, reported_on date,"
            " action varchar, quantity varchar, unit varchar, note varchar, district_code varchar,"
            " event_week date, is_late boolean, source_file varchar, file_sha256 varchar,"
            " row_number bigint, loaded_at timestamp, week date)"
        )
        ensure_warehouse(conn)
        load(
            conn,
            "milestones",
            clean_week()["milestones"].with_columns(pl.col("quantity").cast(pl.Utf8)),
        )
        outcomes = validate_week(conn, "milestones", WEEK, severity="error")
    assert failed(outcomes) == {
        "column_types",
        "quantity_in_range",
    }  # a range on text errors: fails


def test_cost_measure_compares_gx_and_sql_on_the_same_suite(warehouse):
    from quality_checks.cost import measure_cost

    load(warehouse, "training", clean_week()["training"])
    cost = measure_cost(warehouse, "training", WEEK)
    assert cost["rows"] == 3 and cost["expectations"] == len(build_suite("training", WEEK))
    assert cost["same_failures"] and cost["gx_seconds"] > 0 and cost["sql_seconds"] > 0


# suites derive from the contract, not from source names


def _contract_copy(tmp_path, monkeypatch, edit) -> None:
    """A catalog copy whose contract `edit` changed, set as PMON_CATALOG_DIR."""
    import shutil

    import yaml

    catalog = tmp_path / "catalog"
    shutil.copytree(PROJECT_ROOT / "catalog", catalog)
    path = catalog / "contract.yaml"
    contract = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(contract["sources"])
    path.write_text(yaml.safe_dump(contract, allow_unicode=True, sort_keys=False), "utf-8")
    monkeypatch.setenv("PMON_CATALOG_DIR", str(catalog))


def test_suites_follow_the_contract_properties(tmp_path, monkeypatch):
    def edit(sources: dict) -> None:
        del sources["insurance"]["columns"]["end_on"]["not_before"]
        sources["placements"]["columns"]["enterprise_uscc"]["references"] = None
        sources["milestones"]["expected_from"] = "districts"
        sources["training"]["columns"]["completed_on"]["planned"] = True

    before = {s: {e.name for e in build_suite(s, WEEK)} for s in source_names()}
    _contract_copy(tmp_path, monkeypatch, edit)
    after = {s: {e.name for e in build_suite(s, WEEK)} for s in source_names()}
    assert before["insurance"] == after["insurance"]  # date order is a loader row rule
    assert before["placements"] - after["placements"] == {"enterprise_uscc_registered"}
    assert after["milestones"] - before["milestones"] == {"district_code_in_set", "district_volume"}
    assert before["training"] - after["training"] == {"completed_on_not_after_week"}
    assert _waits_for("placements") == []  # no registry reference left to wait for
    assert _waits_for("complaints") == [dg.AssetKey(["staging", "enterprises"])]


def _waits_for(source: str) -> list[dg.AssetKey]:
    (consistency,) = build_source_checks(source)[1].check_specs
    return [dep.asset_key for dep in consistency.additional_deps]


@pytest.mark.parametrize(
    "edit,problem",
    [
        (lambda s: s["training"]["columns"]["enterprise_uscc"].update(references="insurance"),
         "not a registry source"),
        (lambda s: s["insurance"]["columns"]["end_on"].update(not_before="ended"),
         "not_before names unknown column 'ended'"),
        (lambda s: s["insurance"]["columns"]["premium_cny"].update(planned=True),
         "date columns only"),
    ],
)  # fmt: skip
def test_contract_rejects_rules_that_name_nothing(tmp_path, monkeypatch, edit, problem):
    from core.contract import CatalogError, load_contract

    _contract_copy(tmp_path, monkeypatch, edit)
    with pytest.raises(CatalogError, match=problem):
        load_contract()


def test_a_monthly_source_is_expected_only_in_the_week_a_month_ends():
    names = {w: {e.name for e in build_suite("orders", w)} for w in
             (dt.date(2026, 11, 23), dt.date(2026, 11, 30), dt.date(2026, 10, 26))}  # fmt: skip
    assert "week_not_empty" not in names[dt.date(2026, 11, 23)]  # Nov 23-29: no month ends
    assert "week_not_empty" in names[dt.date(2026, 11, 30)]  # November ends on Monday 30th
    assert "week_not_empty" in names[dt.date(2026, 10, 26)]  # October ends on Saturday 31st

"""The simulator at scale: meetings and work items, export files, and evidence tables as Parquet.

The decisive check: one small organization, simulated once as export files (ingested into a
store) and once as Parquet written directly, measures the same on every registered metric, for
the organization and every scope; and the two hold the same rows, table by table.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from asyncmaturity.cli import app
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.measure import MeasureResult, measure
from asyncmaturity.simulate.chat import chat_run
from asyncmaturity.simulate.clock import DAY_S, US
from asyncmaturity.simulate.export import build_evidence, simulate_export, simulate_slack_export
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.simulate.parquet import simulate_parquet, simulation_secret
from asyncmaturity.simulate.profiles import PROFILES
from asyncmaturity.sources import detect_source
from asyncmaturity.store.database import EVIDENCE_KEYS, EvidenceStore
from asyncmaturity.store.export import MONTH_OF, export_parquet
from asyncmaturity.store.ingest import ingest

runner = CliRunner()
SEED = 11
PEOPLE, DAYS = 30, 20
# Provenance that names the files or the run differs by construction; every other column agrees.
PROVENANCE = "origin, ingest_id"
Both = tuple[Path, Path, Path, Path]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """(export folder, store ingested from it, the same keyed like the Parquet, Parquet folder).

    The first store is what a user gets (a secret of its own); the second is created with the
    simulation's secret before the ingest, so that person keys can be compared too.
    """
    root = tmp_path_factory.mktemp("scale")
    exports, parquet = root / "exports", root / "parquet"
    store, keyed = root / "store.duckdb", root / "keyed.duckdb"
    result = runner.invoke(
        app,
        [
            "simulate",
            "--out",
            str(exports),
            "--parquet",
            str(parquet),
            "--people",
            str(PEOPLE),
            "--days",
            str(DAYS),
            "--seed",
            str(SEED),
            "--meetings",
            "--work-items",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"asyncmaturity ingest {exports / 'slack'} {exports / 'calendar.ics'}" in result.output
    with EvidenceStore.open(keyed) as opened:
        opened.con.execute(
            "UPDATE store_meta SET value = ? WHERE key = 'secret'", [simulation_secret(SEED)]
        )
    paths = [str(exports / name) for name in ("slack", "calendar.ics", "github")]
    for target in (store, keyed):
        result = runner.invoke(app, ["ingest", *paths, "--store", str(target), "--strict"])
        assert result.exit_code == 0, result.output
    return exports, store, keyed, parquet


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def _differences(stored: MeasureResult, direct: MeasureResult) -> list[str]:
    found = [
        f"organization {m}: {stored.metrics.get(m)} vs {direct.metrics.get(m)}"
        for m in METRICS
        if not _same(stored.metrics.get(m), direct.metrics.get(m))
    ]
    for scope in stored.scopes.keys() | direct.scopes.keys():
        mine, theirs = stored.scopes.get(scope, {}), direct.scopes.get(scope, {})
        if mine.keys() != theirs.keys():
            found.append(f"{scope}: groups {sorted(mine)} vs {sorted(theirs)}")
            continue
        for group, values in mine.items():
            found += [
                f"{scope} {group} {m}: {values.get(m)} vs {theirs[group].get(m)}"
                for m in METRICS
                if not _same(values.get(m), theirs[group].get(m))
            ]
    return found


def test_direct_parquet_measures_like_the_ingested_exports(both: Both) -> None:
    # Would catch any difference between what ingest makes of the export files and what the
    # direct writer writes that a metric can see: keys, features, meetings, work items, scopes.
    _, store, _, parquet = both
    stored = measure(store=store)
    direct = measure(store=parquet)
    assert not _differences(stored, direct)
    assert stored.suppressed == direct.suppressed
    # Every family of evidence is there to be compared.
    for metric in ("messages.human", "meetings.instances", "work.items", "await.requests"):
        assert (stored.metrics[metric] or 0) > 0, metric


def _rows(root: Path, table: str) -> str:
    return (
        f"SELECT * EXCLUDE ({PROVENANCE}) FROM read_parquet("
        f"'{root}/{table}/**/*.parquet', hive_partitioning = true)"
    )


def test_a_profile_plants_the_same_through_export_files_and_parquet(tmp_path: Path) -> None:
    # Would catch a planted calendar or tracker behaviour (agendas per occurrence, owners, links)
    # that the export files carry and the direct writer does not, or the other way round.
    seed = 5
    params = PROFILES["optimized"].simulation(
        people=16, days=14, seed=seed, meetings=True, work_items=True
    )
    written = simulate_export(tmp_path / "exports", params)
    keyed, exported, direct = tmp_path / "keyed.duckdb", tmp_path / "exported", tmp_path / "direct"
    with EvidenceStore.open(keyed) as opened:
        opened.con.execute(
            "UPDATE store_meta SET value = ? WHERE key = 'secret'", [simulation_secret(seed)]
        )
    ingest(written.ingest_paths, store=keyed, strict=True)
    export_parquet(keyed, exported)
    simulate_parquet(direct, params)
    con = duckdb.connect()
    for table in ("meetings", "attendance", "work_items", "work_events"):
        stored, made = _rows(exported, table), _rows(direct, table)
        for first, second in ((stored, made), (made, stored)):
            extra = con.execute(f"SELECT count(*) FROM ({first} EXCEPT ALL {second})").fetchone()
            assert extra == (0,), table
    planted = con.execute(
        f"SELECT avg(agenda::DOUBLE), count(*) FROM ({_rows(direct, 'meetings')}) "
        "WHERE NOT private AND NOT cancelled"
    ).fetchone()
    assert planted is not None and planted[0] > 0.9 and planted[1] >= 20
    owned = con.execute(
        f"SELECT avg((assignees > 0)::DOUBLE), avg((len(links) > 0)::DOUBLE) FILTER "
        f"(WHERE kind = 'pull_request') FROM ({_rows(direct, 'work_items')})"
    ).fetchone()
    assert owned is not None and owned[0] > 0.8 and owned[1] > 0.8


def test_direct_parquet_holds_the_rows_ingest_stores(both: Both, tmp_path: Path) -> None:
    # Would catch a key, feature, signal, type or partition that drifts from the sources'.
    _, _, keyed, parquet = both
    exported = tmp_path / "exported"
    export_parquet(keyed, exported)
    con = duckdb.connect()
    for table in EVIDENCE_KEYS:
        stored, direct = _rows(exported, table), _rows(parquet, table)
        count = con.execute(f"SELECT count(*) FROM ({stored})").fetchone()
        assert count is not None and count[0] > 0, table
        for first, second in ((stored, direct), (direct, stored)):
            extra = con.execute(f"SELECT count(*) FROM ({first} EXCEPT ALL {second})").fetchone()
            assert extra == (0,), table
        partitions = {
            root: {p.parent.relative_to(root) for p in (root / table).rglob("*.parquet")}
            for root in (exported, parquet)
        }
        assert partitions[exported] == partitions[parquet], table
        depth = 2 if table in MONTH_OF else 1
        assert all(len(p.parts) == depth + 1 for p in partitions[parquet]), table
        schemas = [
            pq.read_schema(next((root / table).rglob("*.parquet"))) for root in (exported, parquet)
        ]
        assert schemas[0].equals(schemas[1]), table


def test_export_files_are_what_each_source_detects(both: Both) -> None:
    exports, _, _, _ = both
    found = {
        name: detect_source(exports / name).name for name in ("slack", "calendar.ics", "github")
    }
    assert found == {"slack": "slack", "calendar.ics": "ical", "github": "github"}


def test_simulated_calendar_and_tracker_are_plausible(both: Both) -> None:
    # Would catch a model that loses one of its planted behaviours (declines, cancellations,
    # private 1:1s, ad hoc bookings, bots, merges) or people who do not link across sources.
    _, store, _, _ = both
    with EvidenceStore.open(store, create=False, read_only=True) as opened:

        def one(sql: str) -> Any:
            row = opened.con.execute(sql).fetchone()
            assert row is not None
            return row[0]

        assert one("SELECT count(*) FROM meetings WHERE cancelled") > 0
        assert one("SELECT count(*) FROM meetings WHERE private") > 0
        assert 0 < one("SELECT avg(recurring::INT) FROM meetings") < 1
        assert 0.3 < one("SELECT avg(agenda::INT) FROM meetings") < 0.7
        assert one("SELECT count(*) FROM attendance WHERE response = 'declined'") > 0
        assert one("SELECT count(*) FROM attendance WHERE role = 'optional'") > 0
        # Every attendee and organizer is a chat author: one person across chat and calendar.
        assert (
            one(
                "SELECT count(*) FROM attendance a WHERE NOT EXISTS "
                "(SELECT 1 FROM messages m WHERE m.author_key = a.person_key)"
            )
            == 0
        )
        assert one("SELECT count(DISTINCT kind) FROM work_items") >= 2
        assert one("SELECT count(*) FROM work_items WHERE merged_at IS NOT NULL") > 0
        assert one("SELECT count(*) FROM work_items WHERE closed_at IS NULL") > 0
        assert one("SELECT count(*) FROM work_events WHERE kind = 'review'") > 0
        assert one("SELECT count(*) FROM people WHERE is_bot AND source = 'github'") > 0
        early = "SELECT count(*) FROM work_events JOIN work_items USING (item_key) "
        assert one(early + "WHERE occurred_at < created_at") == 0


def test_agendas_per_occurrence_are_written_ahead_of_each_instance(tmp_path: Path) -> None:
    # Would catch an occurrence whose agenda is its series' (not its own), or one written after
    # the instance starts or before its series was booked.
    base = SimulationParams(people=40, days=21, seed=2, meetings=True, agenda_share=0.7)
    per_occurrence = SimulationParams(
        people=40, days=21, seed=2, meetings=True, agenda_share=0.7, agenda_lead_median_s=DAY_S
    )
    models = [
        build_evidence(chat_run(p, render_threads=False)).meetings for p in (base, per_occurrence)
    ]
    plain, own = (m for m in models if m is not None)
    assert not own.texts.agenda[own.series.description].any()
    agendas: list[bool] = []
    ad_hoc = 0
    for k in range(per_occurrence.days):
        before, day = plain.day(k), own.day(k)
        assert (before.start_us == day.start_us).all() and (before.cancelled == day.cancelled).all()
        series = day.series >= 0
        assert (before.modified_s[before.series >= 0] == -1).all()
        assert day.overridden[series].all()
        lead = day.start_us[series] // US - day.modified_s[series]
        assert ((lead >= 900) & (lead <= 6 * DAY_S)).all()
        assert (day.modified_s[series] > own.series.created_s[day.series[series]]).all()
        # An ad hoc invitation is written once, when it is booked.
        assert (day.modified_s[~series] == day.booked_s[~series]).all()
        ad_hoc += int((~series).sum())
        agendas += own.texts.agenda[day.description[series]].tolist()
    assert len(agendas) > 100
    assert sum(agendas) / len(agendas) == pytest.approx(0.7, abs=0.1)
    simulate_export(tmp_path / "e", per_occurrence)
    calendar = (tmp_path / "e" / "calendar.ics").read_text()
    assert calendar.count("RECURRENCE-ID;") == len(agendas)
    assert calendar.count("LAST-MODIFIED:") == len(agendas) + ad_hoc


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_the_same_files_and_another_seed_others(tmp_path: Path) -> None:
    # Would catch an unseeded draw, a UUID or time in a file name, or an order that varies.
    params = SimulationParams(people=12, days=8, seed=3, meetings=True, work_items=True)
    other = SimulationParams(people=12, days=8, seed=4, meetings=True, work_items=True)
    calls: list[tuple[int, int]] = []
    simulate_parquet(tmp_path / "a", params, lambda d, t: calls.append((d, t)), chunk_rows=300)
    simulate_parquet(tmp_path / "b", params, chunk_rows=300)
    simulate_parquet(tmp_path / "c", other, chunk_rows=300)
    first, again, changed = (_digests(tmp_path / name) for name in "abc")
    assert first == again
    assert len(first) > 10 and any("month=2026-01" in name for name in first)
    assert first != changed
    assert calls == [(day, 8) for day in range(1, 9)]
    con = duckdb.connect()
    shared = con.execute(
        f"SELECT count(*) FROM (SELECT message_key FROM ({_rows(tmp_path / 'a', 'messages')}) "
        f"INTERSECT SELECT message_key FROM ({_rows(tmp_path / 'c', 'messages')}))"
    ).fetchone()
    assert shared == (0,)
    simulate_export(tmp_path / "x", params)
    simulate_export(tmp_path / "y", params)
    assert _digests(tmp_path / "x") == _digests(tmp_path / "y")


def test_without_meetings_and_work_items_the_export_is_the_slack_export(tmp_path: Path) -> None:
    # Would catch the new options changing what existing callers get.
    params = SimulationParams(people=8, days=4, seed=2)
    assert not params.meetings and not params.work_items
    written = simulate_export(tmp_path / "new", params)
    simulate_slack_export(tmp_path / "old", params)
    assert written.ingest_paths == [tmp_path / "new"]
    assert _digests(tmp_path / "new") == _digests(tmp_path / "old")
    with_extras = simulate_export(
        tmp_path / "extras", SimulationParams(people=8, days=4, seed=2, meetings=True)
    )
    # The chat is the same with the calendar on; it only moves to slack/.
    assert _digests(tmp_path / "extras" / "slack") == _digests(tmp_path / "old")
    assert with_extras.meetings > 0 and (tmp_path / "extras" / "calendar.ics").is_file()


def test_a_medium_run_scales_with_people_and_holds_one_chunk(tmp_path: Path) -> None:
    # Would catch rows that do not grow with the organization, and a writer that buffers more
    # than one chunk (memory then grows with the run instead of staying bounded).
    chunk = 5_000
    summaries = {
        people: simulate_parquet(
            tmp_path / str(people),
            SimulationParams(people=people, days=3, seed=8, meetings=True, work_items=True),
            chunk_rows=chunk,
        )
        for people in (1_000, 2_000)
    }
    small, large = summaries[1_000], summaries[2_000]
    # 2026-01-05 is a Monday: three working days at six human messages per person and day.
    assert large.human_messages / (2_000 * 3) == pytest.approx(6.0, rel=0.05)
    for table in ("messages", "meetings", "attendance", "work_items", "work_events"):
        assert large.rows[table] / small.rows[table] == pytest.approx(2.0, rel=0.2), table
    assert large.peak_buffered_rows <= chunk
    files = sorted((tmp_path / "2000").rglob("*.parquet"))
    assert all(pq.ParquetFile(f).metadata.num_rows <= chunk for f in files)
    messages = [f for f in files if f.parts[-4] == "messages"]
    assert len(messages) >= large.rows["messages"] / chunk
    assert large.files == len(files)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--parquet", "{tmp}/p", "--people", "1"], "people must be between 2"),
        (["--parquet", "{tmp}/p", "--days", "0"], "days must be between 1"),
        (["--parquet", "{tmp}/p", "--chunk-rows", "0"], "chunk_rows must be"),
        (["--out", "{tmp}/o", "--messages-per-person-day", "-1"], "messages_per_person_day"),
        (["--people", "5"], "nothing to write"),
        (["--out", "{tmp}/same", "--parquet", "{tmp}/same"], "different folders"),
        (["--parquet", "{tmp}/full"], "not empty"),
    ],
)
def test_bad_parameters_give_one_error_line(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    args = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    result = runner.invoke(app, ["simulate", *args])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines
    assert not (tmp_path / "p").exists() and not (tmp_path / "o").exists()
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]


def test_a_tracker_without_items_writes_no_github_folder(tmp_path: Path) -> None:
    # Would catch an export of empty arrays, which no source detects: ingest would refuse it.
    params = SimulationParams(
        people=6, days=3, seed=1, work_items=True, work_items_per_person_day=0
    )
    written = simulate_export(tmp_path / "e", params)
    assert written.ingest_paths == [tmp_path / "e" / "slack"]
    assert not (tmp_path / "e" / "github").exists()
    summary = simulate_parquet(tmp_path / "p", params)
    assert summary.rows["work_items"] == 0 and not (tmp_path / "p" / "work_items").exists()

"""The CLI in-process: exact exit codes, one `Error:` line for user mistakes, JSON contract."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from asyncmaturity.cli import COMMANDS, app
from asyncmaturity.metrics import METRICS
from asyncmaturity.sources import registered_sources, source_names

runner = CliRunner()

CONTRACT_CHAT_IDS = {
    "messages.human",
    "messages.thread_replies",
    "threads.count",
    "people.active",
    "response.answered_share",
    "response.first_reply.median_s",
    "response.first_reply.p90_s",
    "response.first_reply.business.median_s",
    "response.within_window_share",
    "hours.after_hours_share",
}


def test_ingest_then_measure_json(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = runner.invoke(
        app, ["ingest", str(slack_fixture("reply_by_root_author")), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert "added" in result.output and "5 messages" in result.output
    out = tmp_path / "m.json"
    result = runner.invoke(app, ["measure", "--store", str(store), "--json", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert set(document["metrics"]) >= CONTRACT_CHAT_IDS
    assert document["metrics"]["response.answered_share"] == 0.5
    assert document["metrics"]["messages.human"] == 5
    assert set(document["definitions"]) == set(METRICS)
    assert document["privacy"]["min_group_size"] == 5


def test_measure_json_to_stdout(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", str(slack_fixture("zone_plus_0545")), "--store", str(store)])
    result = runner.invoke(
        app, ["measure", "--store", str(store), "--json", "-", "--until", "2026-01-05"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["metrics"]["messages.human"] == 4


def test_ingest_summary_shows_skipped_records(slack_fixture: Any, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["ingest", str(slack_fixture("record_without_ts")), "--store", str(tmp_path / "s.duckdb")],
    )
    assert result.exit_code == 0
    assert "Skipped 2 records" in result.output and "1 message without ts" in result.output


def test_strict_exits_non_zero_with_one_error_line(slack_fixture: Any, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "ingest",
            str(slack_fixture("record_without_ts")),
            "--store",
            str(tmp_path / "s.duckdb"),
            "--strict",
        ],
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "record 1" in lines[0]


def test_missing_export_and_missing_store(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 1 and "Error: " in result.stderr and "no such file" in result.stderr
    result = runner.invoke(app, ["measure", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no such store" in result.stderr


def test_memory_limit_reaches_the_ingest_database(slack_fixture: Any, tmp_path: Path) -> None:
    export = str(slack_fixture("zone_plus_0545"))
    # A size no database can work within fails the ingest, so the limit was handed to DuckDB.
    result = runner.invoke(
        app, ["ingest", export, "--store", str(tmp_path / "a.duckdb"), "--memory-limit", "1KB"]
    )
    assert result.exit_code == 1 and "Out of Memory" in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "a.duckdb").exists()
    result = runner.invoke(
        app, ["ingest", export, "--store", str(tmp_path / "b.duckdb"), "--memory-limit", "2 gb"]
    )
    assert result.exit_code == 0 and "added" in result.output, result.output


def test_a_memory_limit_that_is_no_size_is_one_error_line(
    slack_fixture: Any, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    for limit in ("lots", "0GB", "1GB'; SET threads = 1; --"):
        result = runner.invoke(
            app,
            [
                "ingest",
                str(slack_fixture("zone_plus_0545")),
                "--store",
                str(store),
                "--memory-limit",
                limit,
            ],
        )
        assert result.exit_code == 1, result.output
        assert result.stderr.strip() == (
            f"Error: memory limit {limit!r} is not a size such as 512MB, 2GB or 1.5GiB"
        )
        assert not store.exists()


def test_invalid_charter_names_the_field(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", str(slack_fixture("zone_plus_0545")), "--store", str(store)])
    charter = tmp_path / "charter.yaml"
    charter.write_text("working_hours:\n  start: '25:00'\n")
    result = runner.invoke(app, ["measure", "--store", str(store), "--charter", str(charter)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {charter}: line 2: field working_hours: start: '25:00' is not a time of day as HH:MM"
    )


def test_bad_date_is_a_usage_error(slack_fixture: Any, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", str(slack_fixture("zone_plus_0545")), "--store", str(store)])
    result = runner.invoke(app, ["measure", "--store", str(store), "--since", "2026-13-01"])
    assert result.exit_code == 2 and "not a date" in result.output + result.stderr


def test_listings_are_generated_from_the_registries() -> None:
    names = [source.name for source in registered_sources()]
    assert sorted(names) == source_names()
    listing = runner.invoke(app, ["sources"], env={"COLUMNS": "300"})
    cells = [line.split("│")[1].strip() for line in listing.output.splitlines() if "│" in line]
    assert [cell for cell in cells if cell] == names  # wrapped rows continue with an empty cell
    documented = (Path(__file__).resolve().parents[1] / "docs" / "sources.md").read_text()
    assert [
        line.split("`")[1] for line in documented.splitlines() if line.startswith("| `")
    ] == names
    listed = runner.invoke(app, ["metrics"], env={"COLUMNS": "300"})
    assert all(metric_id in listed.output for metric_id in METRICS)


def test_the_command_listing_is_the_registry_and_agrees_with_each_command() -> None:
    listing = runner.invoke(app, ["--help"], env={"COLUMNS": "300"})
    assert listing.exit_code == 0
    panels = [line.strip("│ ") for line in listing.output.splitlines() if line.startswith("│")]
    # The rows that open with a name are the commands' (the options' open with --).
    listed = [row.split(None, 1) for row in panels if row[:1].isalpha()]
    assert listed == [[entry.name, entry.summary] for entry in COMMANDS]
    # Each command registered the eager way, as the CLI did before it loaded commands lazily.
    eager = typer.Typer(add_completion=False)
    eager.callback()(lambda: None)
    for entry in COMMANDS:
        loaded = entry.load()
        if isinstance(loaded, typer.Typer):
            eager.add_typer(loaded, name=entry.name)
        else:
            eager.command(name=entry.name)(loaded)
    for entry in COMMANDS:
        # The summary the registry keeps is the first paragraph of the command's own help.
        command = entry.click_command()
        first = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert " ".join(first.split()) == entry.summary, entry.name
        shown = runner.invoke(app, [entry.name, "--help"], env={"COLUMNS": "200"})
        expected = runner.invoke(eager, [entry.name, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0 and f"{entry.name} [OPTIONS]" in shown.output
        assert shown.output == expected.output, entry.name


def test_docs_in_the_repository_agree_with_the_registries() -> None:
    root = Path(__file__).resolve().parents[1]
    for topic in ("metrics", "sources", "charter", "frameworks", "await"):
        generated = runner.invoke(app, ["docs", topic]).output
        on_disk = (root / "docs" / f"{topic}.md").read_text()
        assert generated == on_disk, f"docs/{topic}.md is stale: run `make docs`"
    for metric in METRICS.values():
        assert f"`{metric.id}`" in (root / "docs" / "metrics.md").read_text()


def test_report_writes_html_without_names_or_small_groups(
    slack_fixture: Any, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    # Even with names kept in the store, the report shows none, nor a group of two people.
    export = str(slack_fixture("reply_by_root_author"))
    runner.invoke(app, ["ingest", export, "--store", str(store), "--keep-text"])
    html = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--store", str(store), "--html", str(html)])
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "<svg" in text and "Time to first reply" in text
    assert "Ana" not in text and "Ben" not in text and "UANA00001" not in text
    assert ">public channel<" not in text
    assert "1 group was suppressed" in text


def test_simulate_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(
        app, ["simulate", "--out", str(tmp_path), "--people", "5", "--days", "3"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_simulate_writes_an_export_ingest_detects(tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = runner.invoke(app, ["simulate", "--out", str(out), "--people", "8", "--days", "5"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["ingest", str(out), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0 and "Slack export: " in result.output


def test_ingest_help_names_every_registered_format() -> None:
    result = runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"})
    assert all(name in result.output for name in source_names())


def test_measure_by_prints_a_breakdown_of_large_enough_groups(tmp_path: Path) -> None:
    from asyncmaturity.simulate.export import simulate_slack_export
    from asyncmaturity.simulate.params import SimulationParams

    export = tmp_path / "export"
    simulate_slack_export(export, SimulationParams(people=12, days=10, seed=5))
    store = tmp_path / "s.duckdb"
    runner.invoke(app, ["ingest", str(export), "--store", str(store)])
    result = runner.invoke(
        app, ["measure", "--store", str(store), "--by", "conversation_kind"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "By conversation kind" in result.output and "public channel" in result.output
    assert "group(s) with fewer than 5 active people not shown" in result.output
    bad = runner.invoke(app, ["measure", "--store", str(store), "--by", "person"])
    assert bad.exit_code == 2 and "not a breakdown" in bad.output + bad.stderr

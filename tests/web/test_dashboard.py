"""The dashboard: a real Slack export uploaded, ingested in the background with its progress
followed, assessed, and shown with the report's charts; bad exports, oversized uploads, stores a
site admin points at, and a browser doing it all through the pages."""

from __future__ import annotations

import html
import io
import re
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from asyncmaturity.charter import load_charter
from asyncmaturity.store.ingest import ingest
from asyncmaturity.web.db import alembic_config, create_db_engine, migrate, session_factory
from asyncmaturity.web.deps import CSRF_FIELD, WebContext
from asyncmaturity.web.models import EvidenceJob, Team, TeamAssessment, User, utcnow
from asyncmaturity.web.services.jobs import STALE_S, fail_stale

from .conftest import Factory, World
from .test_browser import _log_in
from .test_browser import page as page

EXPORT = Path(__file__).parents[1] / "fixtures" / "slack" / "reply_by_root_author"


def zipped(folder: Path) -> bytes:
    """A folder's files as a zip archive in memory (an export as people download it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def slack_zip() -> bytes:
    """The reply_by_root_author Slack export, zipped."""
    return zipped(EXPORT)


def wait_for(client: TestClient, job_id: int, timeout: float = 60) -> dict[str, Any]:
    """The job once it has ended (done or failed), polled through the API."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.05)


def upload(client: TestClient, team: Team, content: bytes, name: str = "slack.zip") -> Any:
    """POST an export to the team's uploads."""
    files = {"file": (name, content, "application/octet-stream")}
    return client.post(f"/api/v1/teams/{team.id}/uploads", files=files)


def run(client: TestClient, response: Any) -> dict[str, Any]:
    """Wait for the job a 202 answer started; it must have succeeded."""
    assert response.status_code == 202, response.text
    job = wait_for(client, response.json()["id"])
    assert job["status"] == "done", job["error"]
    return job


def test_an_upload_is_ingested_assessed_and_shown(
    make: Factory, world: World, slack_zip: bytes, context: WebContext
) -> None:
    admin = make.client(world.admin_a)
    started = upload(admin, world.team_a, slack_zip)
    assert started.json()["status"] == "queued" and started.json()["input_name"] == "slack.zip"
    ingested = run(admin, started)
    assert ingested["summary"]["records_read"] > 0 and ingested["summary"]["sources"] == ["slack"]
    assert ingested["summary"]["added"]["messages"] == 5 and ingested["progress"] == 1.0
    page = admin.get(f"/jobs/{ingested['id']}")
    assert 'id="job-summary"' in page.text and "http-equiv" not in page.text  # ended: no reload

    assessed = run(admin, admin.post(f"/api/v1/teams/{world.team_a.id}/assessments"))
    latest = admin.get(f"/api/v1/teams/{world.team_a.id}/assessments/latest").json()
    assert assessed["summary"]["assessment_id"] == latest["id"]
    document = latest["document"]
    assert document["overall"]["level"] == assessed["summary"]["overall_level"]
    assert document["kind"] == "asyncmaturity.assessment" and document["store"] == "evidence.duckdb"
    metrics = admin.get(f"/api/v1/teams/{world.team_a.id}/metrics").json()
    ids = {m["id"] for m in metrics["data"]}
    assert {"messages.human", "await.requests"} <= ids and metrics["assessment_id"] == latest["id"]
    human = next(m for m in metrics["data"] if m["id"] == "messages.human")
    assert human["value"] == 5 and human["text"] == "5"

    member = make.client(world.member_a)  # members see it all, read-only
    dashboard = member.get(f"/teams/{world.team_a.id}/dashboard")
    assert dashboard.status_code == 200
    for part in ('id="levels"', "Level per area", 'class="chart-svg"', 'id="key-metrics"'):
        assert part in dashboard.text, part
    assert 'data-metric="await.requests"' in dashboard.text
    # The principles as the report shows them, one row per principle of the document.
    assert 'id="principles"' in dashboard.text
    assert len(document["principles"]) == 7 and "Humanity over tools" in dashboard.text
    # The activity map and the Coordination Stack as the report draws them, every activity and
    # layer of the document named.
    assert 'id="activity-map"' in dashboard.text and 'id="coordination-stack"' in dashboard.text
    assert document["activities"] and document["coordination_stack"]
    for named in document["activities"] + document["coordination_stack"]:
        assert html.escape(named["name"]) in dashboard.text, named["name"]
    # Dates as people read them, not the document's ISO timestamps.
    day = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
    assert re.search(rf"Assessment of {day}, \d{{2}}:\d{{2}} UTC</h2>", dashboard.text)
    assert re.search(rf"Period {day} to {day}\.", dashboard.text)
    assert 'id="upload-form"' not in dashboard.text  # admins upload
    report = member.get(f"/teams/{world.team_a.id}/report")
    assert report.status_code == 200 and "Level per area" in report.text
    assert str(context.settings.data_dir) not in report.text + latest["document"]["store"]
    assert "style-src 'unsafe-inline'" in report.headers["content-security-policy"]
    assert "sandbox" in report.headers["content-security-policy"]
    history = member.get(f"/api/v1/teams/{world.team_a.id}/assessments").json()
    assert history["count"] == 1 and history["data"][0]["report_url"].endswith("/report")

    outsider = make.client(world.admin_b)
    for path in (
        f"/api/v1/jobs/{ingested['id']}",
        f"/jobs/{ingested['id']}",
        f"/teams/{world.team_a.id}/report",
        f"/api/v1/teams/{world.team_a.id}/metrics",
    ):
        assert outsider.get(path).status_code == 404, path
    assert member.post(f"/api/v1/teams/{world.team_a.id}/assessments").status_code == 403


def test_a_bad_export_fails_with_one_line_and_no_traceback(
    make: Factory, world: World, context: WebContext
) -> None:
    admin = make.client(world.admin_a)
    for name, content in (("notes.txt", b"hello"), ("broken.zip", b"PK\x03\x04 not a zip")):
        job = wait_for(admin, upload(admin, world.team_a, content, name).json()["id"])
        assert job["status"] == "failed", job
        error = job["error"]
        assert "\n" not in error and "Traceback" not in error and name in error, error
        assert str(context.settings.data_dir) not in error  # the server's folders stay private
        shown = admin.get(f"/jobs/{job['id']}").text
        assert 'id="job-error"' in shown and "Traceback" not in shown
    bad_format = admin.post(
        f"/api/v1/teams/{world.team_a.id}/uploads",
        files={"file": ("a.zip", b"x")},
        data={"format": "fax"},
    )
    assert (
        bad_format.status_code == 422 and "unknown format" in bad_format.json()["error"]["message"]
    )
    empty = upload(admin, world.team_a, b"", "empty.zip")
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "invalid_input"


def test_an_upload_over_the_limit_is_413_and_leaves_nothing(
    make: Factory, world: World, context: WebContext, db: Any
) -> None:
    admin = make.client(world.admin_a)
    too_big = b"\0" * (context.settings.max_upload_bytes + 1)
    response = upload(admin, world.team_a, too_big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    page = admin.post(
        f"/teams/{world.team_a.id}/uploads",
        data={CSRF_FIELD: admin.csrf_token},  # type: ignore[attr-defined]
        files={"file": ("big.zip", too_big)},
    )
    assert page.status_code == 413 and "exceeds" in page.text
    assert db.scalars(select(EvidenceJob)).all() == []


def test_without_evidence_assessing_and_reading_figures_is_a_conflict(
    make: Factory, world: World
) -> None:
    admin = make.client(world.admin_a)
    for method, path in (
        ("POST", f"/api/v1/teams/{world.team_a.id}/assessments"),
        ("GET", f"/api/v1/teams/{world.team_a.id}/assessments/latest"),
        ("GET", f"/api/v1/teams/{world.team_a.id}/metrics"),
    ):
        response = admin.request(method, path)
        assert response.status_code == 409, path
        assert response.json()["error"]["code"] == "conflict"
    assert admin.get(f"/teams/{world.team_a.id}/report").status_code == 409
    shown = admin.get(f"/teams/{world.team_a.id}/dashboard").text
    assert 'id="no-assessment"' in shown and 'id="upload-form"' in shown


def test_a_site_admin_points_the_team_at_a_store_and_a_charter_file(
    make: Factory, world: World, server_folder: Path
) -> None:
    store, charter_file = server_folder / "platform.duckdb", server_folder / "charter.yaml"
    ingest([EXPORT], store=store)  # as `asyncmaturity ingest --store` made it
    admin = make.client(world.admin_a)
    paths = {"store_path": str(store), "charter_path": str(charter_file)}
    workspace = f"/api/v1/teams/{world.team_a.id}/workspace"
    assert admin.put(workspace, json=paths).status_code == 403  # a site admin's business
    with make.context.sessions() as session:
        user = session.get(User, world.admin_a.id)
        assert user is not None
        user.is_site_admin = True
        session.commit()
    outside = admin.put(workspace, json={"store_path": "../team.duckdb"})
    assert outside.status_code == 422 and "outside" in outside.json()["error"]["message"]
    pointed = admin.put(workspace, json=paths).json()
    assert pointed == {**paths, "store": "pointed", "store_exists": True}
    # The charter file is new: the next save writes it, and it is read from then on.
    charter_put = f"/api/v1/teams/{world.team_a.id}/charter"
    assert admin.put(charter_put, json={"min_group_size": 3}).status_code == 200
    assert load_charter(charter_file).min_group_size == 3

    again = run(admin, upload(admin, world.team_a, zipped(EXPORT)))  # into the pointed store
    assert again["summary"]["added"].get("messages", 0) == 0
    assert again["summary"]["duplicates"]["messages"] == 5
    charter = admin.get(f"/api/v1/teams/{world.team_a.id}/charter").json()
    assert charter["min_group_size"] == 3  # the file's charter
    shown = admin.get(f"/teams/{world.team_a.id}/dashboard").text
    assert str(store) in shown and 'id="paths-form"' in shown


def test_jobs_a_stopped_server_left_unfinished_are_failed(
    make: Factory, world: World, context: WebContext, db: Any
) -> None:
    lost, held = (make.job(world.team_a, world.admin_a, status=s) for s in ("running", "queued"))
    page = make.client(world.member_a).get(f"/jobs/{held.id}")
    assert '<meta http-equiv="refresh" content="1">' in page.text and "<progress" in page.text
    with context.sessions() as session:  # its server stopped beating for it long ago
        session.execute(
            update(EvidenceJob)
            .where(EvidenceJob.id == lost.id)
            .values(updated_at=utcnow() - timedelta(seconds=STALE_S + 1))
        )
        session.commit()
    assert fail_stale(context.sessions) == 1
    found = {job.id: job for job in db.scalars(select(EvidenceJob))}
    assert found[lost.id].status == "failed" and "server stopped" in (found[lost.id].error or "")
    assert found[held.id].status == "queued"  # a live server's job is left alone


def test_a_database_of_the_second_release_gets_the_evidence_tables(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        from alembic import command

        command.upgrade(alembic_config(engine), "0002")
        with session_factory(engine)() as session:
            session.add(Team(name="Kept"))
            session.commit()
        assert migrate(engine) == "0002"
        with session_factory(engine)() as session:
            team = session.scalar(select(Team))
            assert team is not None and team.name == "Kept"
            session.add(TeamAssessment(team_id=team.id, document={"overall": {"level": 1}}))
            session.commit()
            assert session.scalar(select(TeamAssessment.document)) == {"overall": {"level": 1}}
    finally:
        engine.dispose()


@pytest.mark.browser
def test_an_admin_edits_the_charter_uploads_assesses_and_sees_the_levels(
    page: Any, world: World, app: FastAPI, tmp_path: Path, slack_zip: bytes
) -> None:
    export = tmp_path / "slack-export.zip"
    export.write_bytes(slack_zip)
    page.goto("/")
    _log_in(page, world.admin_a.email)
    page.click(f"text={world.team_a.name}")
    page.click("#charter-link")
    page.fill("input[name=window_dm]", "6")
    page.fill("textarea[name=holidays]", "2026-12-25 | Christmas Day")
    page.click("#save-charter")
    page.wait_for_selector("#saved")
    assert page.input_value("input[name=window_dm]") == "6"
    assert "Christmas Day" in page.input_value("textarea[name=holidays]")

    page.click(f"nav.crumbs >> text={world.team_a.name}")  # back to the team by its trail
    page.click("#dashboard-link")
    page.set_input_files("input[name=file]", str(export))
    page.click("button:has-text('Upload and ingest')")
    page.wait_for_selector("#job-status[data-status=done]", timeout=60000)  # reloads itself
    assert "5 messages" in page.inner_text("#job-summary")
    page.click("#assess-now")
    page.wait_for_selector("#job-status[data-status=done]", timeout=60000)
    page.click("#to-dashboard")
    chart = page.locator("#levels svg.chart-svg")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert "Level per area" in chart.inner_html()
    assert page.locator("#key-metrics tbody tr").count() >= 5
    with page.expect_navigation():
        page.click("#report-link")
    assert "Level per area" in page.content()

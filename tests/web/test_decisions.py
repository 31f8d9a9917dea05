"""The decision log through the API and the pages: numbered records at their own URL, filters,
edits, superseding, and MADR files in and out (a repository's decision folder comes in)."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient

from asyncmaturity.decisions.records import parse_decision_record

from .conftest import Factory, World

ADR_FOLDER = Path(__file__).parents[1] / "fixtures/github/decision_label_and_adr_folder/docs/adr"


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _record(client: TestClient, team_id: int, **fields: object) -> dict[str, object]:
    response = client.post(f"/api/v1/teams/{team_id}/decisions", json=fields)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_records_are_numbered_filtered_decided_and_superseded(make: Factory, world: World) -> None:
    client = make.client(world.member_a)
    team = world.team_a.id
    first = _record(client, team, title="Use Postgres", tags=["storage"], context="We need a DB.")
    assert first["number"] == 1 and first["status"] == "proposed" and first["decided_at"] is None
    assert first["url"] == f"http://testserver/teams/{team}/decisions/1"
    assert first["proposer"] == world.member_a.email
    second = _record(
        client,
        team,
        title="Queue with Redis",
        status="accepted",
        tags=["Infra"],
        deciders=["Ana", "Ben"],
        consequences="One more service.",
    )
    assert second["number"] == 2 and second["decided_at"] is not None

    decided = client.patch(f"/api/v1/teams/{team}/decisions/1", json={"status": "accepted"})
    assert decided.json()["status"] == "accepted" and decided.json()["decided_at"] is not None
    cleared = client.patch(
        f"/api/v1/teams/{team}/decisions/1",
        json={"work_item_url": "https://github.com/acme/app/issues/3", "title": None},
    ).json()
    assert cleared["work_item_url"] == "https://github.com/acme/app/issues/3"
    assert cleared["title"] == "Use Postgres"  # null changes nothing but links

    def numbers(query: str) -> list[int]:
        found = client.get(f"/api/v1/teams/{team}/decisions?{query}").json()["data"]
        return [d["number"] for d in found]

    assert numbers("") == [1, 2]
    assert numbers("tag=infra") == [2] and numbers("q=db") == [1]
    assert numbers("status=proposed") == []

    newer = client.post(
        f"/api/v1/teams/{team}/decisions/2/supersede",
        json={"title": "Queue with NATS", "status": "accepted"},
    )
    assert newer.status_code == 201 and newer.json()["number"] == 3
    assert newer.json()["supersedes"] == 2
    old = client.get(f"/api/v1/teams/{team}/decisions/2").json()
    assert old["status"] == "superseded" and old["superseded_by"] == 3
    twice = client.post(f"/api/v1/teams/{team}/decisions/2/supersede", json={"title": "X"})
    assert twice.status_code == 409
    assert (
        client.patch(f"/api/v1/teams/{team}/decisions/2", json={"status": "accepted"}).status_code
        == 409
    )
    assert (
        client.post(
            f"/api/v1/teams/{team}/decisions", json={"title": "X", "status": "superseded"}
        ).status_code
        == 422
    )
    assert client.get(f"/api/v1/teams/{team}/decisions/99").status_code == 404

    page = client.get(f"/teams/{team}/decisions/2")
    assert 'id="superseded-by"' in page.text and f"/teams/{team}/decisions/3" in page.text
    listing = client.get(f"/teams/{team}/decisions?tag=storage")
    assert "Use Postgres" in listing.text and "Queue with" not in listing.text


def test_a_record_downloads_as_madr_and_the_log_as_a_zip(make: Factory, world: World) -> None:
    client = make.client(world.member_a)
    team = world.team_a.id
    _record(
        client,
        team,
        title="Use Postgres",
        status="accepted",
        deciders=["Ana"],
        context="We need a DB.",
        decision="Postgres.",
        consequences="Backups.",
        thread_url="https://chat.example.org/t/1",
    )
    single = client.get(f"/api/v1/teams/{team}/decisions/1/record.md")
    assert single.headers["content-type"].startswith("text/markdown")
    assert 'filename="0001-use-postgres.md"' in single.headers["content-disposition"]
    record = parse_decision_record(single.text, name="0001-use-postgres.md")
    assert (record.number, record.title, record.status) == (1, "Use Postgres", "accepted")
    assert record.deciders == ["Ana"] and record.thread_url == "https://chat.example.org/t/1"
    archive = client.get(f"/api/v1/teams/{team}/decision-records.zip")
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert opened.namelist() == ["decisions/0001-use-postgres.md"]
        assert opened.read("decisions/0001-use-postgres.md").decode() == single.text
    assert client.get(f"/api/v1/teams/{team}/decision-records.zip").content == archive.content


def test_a_repositorys_decision_folder_comes_in_once(make: Factory, world: World) -> None:
    admin = make.client(world.admin_b)
    url = f"/api/v1/teams/{world.team_b.id}/decision-records"
    folder = {f"repo/docs/adr/{p.name}": p.read_bytes() for p in ADR_FOLDER.iterdir()}
    upload = {"files": ("adr.zip", _zip(folder), "application/zip")}
    imported = admin.post(url, files=upload)
    assert imported.status_code == 201, imported.text
    created = imported.json()["created"]
    assert [(d["number"], d["title"]) for d in created] == [
        (1, "Record architecture decisions"),
        (2, "Use Postgres for the ledger"),
    ]
    assert created[1]["deciders"] == ["platform team"] and created[1]["status"] == "accepted"
    again = admin.post(url, files=upload).json()
    assert again["created"] == [] and len(again["skipped"]) == 2
    assert "number 1 is in the log already" in again["skipped"][0]
    single = admin.post(
        url, files={"files": ("later.md", b"# Adopt ADRs for the ledger too\n", "text/markdown")}
    ).json()
    assert [d["number"] for d in single["created"]] == [3]


def test_an_imported_more_information_stays_with_the_decision(make: Factory, world: World) -> None:
    # The log keeps no More Information of its own (an assistant's draft ends in one): it is
    # the decision's last section, as every other extra section of a file.
    admin = make.client(world.admin_b)
    url = f"/api/v1/teams/{world.team_b.id}/decision-records"
    draft = (
        b"# Use Redis\n\n## Decision Outcome\n\nRedis.\n\n## More Information\n\n* Thread: `r1`\n"
    )
    imported = admin.post(url, files={"files": ("0001-use-redis.md", draft, "text/markdown")})
    assert imported.status_code == 201, imported.text
    (created,) = imported.json()["created"]
    assert created["decision"] == "Redis.\n\n### More Information\n\n* Thread: `r1`"


def test_a_bad_file_refuses_the_whole_import_naming_it(make: Factory, world: World) -> None:
    admin = make.client(world.admin_b)
    url = f"/api/v1/teams/{world.team_b.id}/decision-records"
    bad = _zip(
        {"adr/0001-good.md": "# Good\n", "adr/0002-bad.md": "---\nstatus: maybe\n---\n# B\n"}
    )
    refused = admin.post(url, files={"files": ("adr.zip", bad, "application/zip")})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "invalid_decision_record"
    assert error["message"].startswith("adr.zip!adr/0002-bad.md: unknown status 'maybe'")
    assert admin.get(f"/api/v1/teams/{world.team_b.id}/decisions").json()["count"] == 0
    escaping = _zip({"../evil.md": "# Evil\n"})
    unsafe = admin.post(url, files={"files": ("x.zip", escaping, "application/zip")})
    assert unsafe.status_code == 422 and unsafe.json()["error"]["code"] == "unsafe_archive"
    assert "x.zip" in unsafe.json()["error"]["message"]
    other = admin.post(url, files={"files": ("notes.txt", b"hello", "text/plain")})
    assert other.status_code == 422 and "not a Markdown file" in other.text


def test_pages_record_edit_supersede_and_import(make: Factory, world: World) -> None:
    client = make.client(world.admin_a, csrf=False)
    token = client.csrf_token  # type: ignore[attr-defined]
    team = world.team_a.id
    created = client.post(
        f"/teams/{team}/decisions",
        data={
            "csrf_token": token,
            "title": "Use Postgres",
            "status": "proposed",
            "deciders": "Ana, Ben",
            "tags": "storage",
        },
    )
    assert (
        created.status_code == 303 and created.headers["location"] == f"/teams/{team}/decisions/1"
    )
    shown = client.get(created.headers["location"])
    assert "1. Use Postgres" in shown.text and "Ana, Ben" in shown.text
    edited = client.post(
        f"/teams/{team}/decisions/1",
        data={
            "csrf_token": token,
            "title": "Use Postgres 16",
            "status": "accepted",
            "context": "We need a DB.",
            "deciders": "Ana",
        },
    )
    assert edited.status_code == 303
    after = client.get(f"/teams/{team}/decisions/1").text
    assert "Use Postgres 16" in after and 'id="status">accepted<' in after
    bad = client.post(
        f"/teams/{team}/decisions/1",
        data={"csrf_token": token, "title": "T", "work_item_url": "nope"},
    )
    assert bad.status_code == 422 and "http(s) URL" in bad.text
    newer = client.post(
        f"/teams/{team}/decisions/1/supersede",
        data={"csrf_token": token, "title": "Use SQLite", "status": "accepted"},
    )
    assert newer.headers["location"] == f"/teams/{team}/decisions/2"
    kept = client.post(
        f"/teams/{team}/decisions/1",
        data={"csrf_token": token, "title": "Use Postgres 16 (old)"},
    )
    assert kept.status_code == 303
    assert 'id="status">superseded<' in client.get(f"/teams/{team}/decisions/1").text
    imported = client.post(
        f"/teams/{team}/decision-records",
        data={"csrf_token": token},
        files=[("files", ("0007-x.md", b"# 7. Keep a log\n", "text/markdown"))],
    )
    # Post/redirect/get: the log shows what the import added once, a reload no longer.
    assert imported.status_code == 303
    assert imported.headers["location"] == f"/teams/{team}/decisions"
    shown = client.get(imported.headers["location"])
    assert 'id="imported"' in shown.text and "Imported 1 record." in shown.text
    assert 'id="imported"' not in client.get(f"/teams/{team}/decisions").text


def _section(page: str, name: str) -> str:
    """The HTML of one of a decision page's Markdown sections (context, decision, consequences)."""
    start = page.index(f'id="record-{name}"')
    return page[start : page.index("</div>", start)]


def test_a_records_markdown_reads_as_formatted_text(make: Factory, world: World) -> None:
    client = make.client(world.member_a)
    team = world.team_a.id
    _record(
        client,
        team,
        title="Use Postgres",
        context="We need **one** database:\n\n- durable\n- shared\n\nSee [the RFC](https://example.org/rfc).",
        decision="Run `postgres:16`.\n\n| Option | Cost |\n|---|---|\n| Postgres | low |",
    )
    page = client.get(f"/teams/{team}/decisions/1").text
    context = _section(page, "context")
    assert "<strong>one</strong>" in context and "<li>durable</li>" in context
    assert (
        '<a href="https://example.org/rfc" rel="noopener noreferrer nofollow">the RFC</a>'
        in context
    )
    decision = _section(page, "decision")
    assert "<code>postgres:16</code>" in decision and "<td>Postgres</td>" in decision
    assert "**" not in context and "<p>—</p>" in _section(page, "consequences")


class ElementLister(HTMLParser):
    """The elements of a piece of HTML with their attributes, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_markdown_in_a_record_never_carries_script(make: Factory, world: World) -> None:
    client = make.client(world.member_a)
    team = world.team_a.id
    attacks = {
        "context": "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](data:text/html,<b>3</b>)",
        "decision": '<script>alert(4)</script>\n\n<img src=x onerror="alert(5)">',
        "consequences": '[w](https://ok.example "t\\" onmouseover=\\"alert(6)")\n\n'
        '<a href="javascript:alert(7)">a</a> <iframe src="https://evil.example"></iframe>',
    }
    _record(client, team, title="Hostile", **attacks)
    page = client.get(f"/teams/{team}/decisions/1").text
    for name in attacks:
        lister = ElementLister()
        lister.feed(_section(page, name) + "</div>")
        for tag, attributes in lister.elements:
            assert tag in {"div", "p", "a"}, (name, tag)
            assert not [key for key in attributes if key.startswith("on")], (name, attributes)
            href = (attributes.get("href") or "https:").strip().lower()
            assert href.startswith(("https:", "http:", "mailto:")), (name, href)
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in page  # shown as the text it was

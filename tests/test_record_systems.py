"""Record systems detected from the links the archive carries, where the charter lists none.

The fixture tests/fixtures/mail/own_trac_linked_three_times.mbox holds nine human messages of a
project that links its own Trac (figures by hand):

* m1, m2, m3 link dev.example.org/trac/ticket (m3 twice: one site per message): 3 messages,
  detected;
* m4, m5 link dev.example.org/trac/wiki (m5 through ``www.``, a port and a query): 2 messages,
  too few to be detected;
* m6 links a GitHub issue, which the default patterns match (its site, linked once, is not
  detected);
* m7 links a blog (no site), m8 links nothing, m9 quotes m2's ticket link (quoted lines are not
  the sender's text: no site).

Default patterns alone: 1 of 9 messages links a record (m6); with the detected Trac tickets 4 of
9 (m1, m2, m3, m6). Decision language is in m3 (with a ticket link) and m8: 0 of 2, then 1 of 2.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from asyncmaturity.assess import assess
from asyncmaturity.await_protocol.rules import URL_PATTERN
from asyncmaturity.charter import DEFAULT_RECORD_SYSTEMS, Charter
from asyncmaturity.metrics.measure import MeasureResult, measure
from asyncmaturity.metrics.record_systems import MIN_DETECTED_MESSAGES
from asyncmaturity.report.markdown import assessment_markdown
from asyncmaturity.sources.features import links_from_urls_sql, record_sites_sql
from asyncmaturity.store.database import EvidenceStore
from asyncmaturity.store.ingest import ingest

MAIL = Path(__file__).parent / "fixtures" / "mail"
OWN_TRAC = MAIL / "own_trac_linked_three_times.mbox"
# Nine messages: Wikipedia (three languages' /wiki), docs.python.org and the project's own wiki
# each linked by three, one Stack Overflow link.
PUBLIC_REFERENCES = MAIL / "public_references_linked_three_times.mbox"
TICKETS = "dev.example.org/trac/ticket"


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://github.com/zulip/zulip/issues/123", "github.com/zulip/zulip/issues"),
        ("https://github.com/zulip/zulip/pull/45/files", "github.com/zulip/zulip/pull"),
        ("https://gitlab.com/acme/app/-/merge_requests/7", "gitlab.com/acme/app/-/merge_requests"),
        ("http://twistedmatrix.com/trac/ticket/4567", "twistedmatrix.com/trac/ticket"),
        ("http://twistedmatrix.com/trac/wiki/Foo", "twistedmatrix.com/trac/wiki"),
        ("https://acme.atlassian.net/browse/OPS-12", "acme.atlassian.net/browse"),
        ("https://wiki.python.org/moin/Twisted", "wiki.python.org"),
        ("https://docs.acme.io/guide/setup.html", "docs.acme.io"),
        ("https://twisted.readthedocs.io/en/latest/core/", "twisted.readthedocs.io"),
        ("https://buildbot.readthedocs.org/", "buildbot.readthedocs.org"),
        ("https://bugzilla.mozilla.org/show_bug.cgi?id=1234", "bugzilla.mozilla.org/show_bug.cgi"),
        # www. and the port go, the host is lower-cased, the query and fragment are dropped.
        ("https://WWW.Example.ORG:8080/wiki/Page?version=3#top", "example.org/wiki"),
        ("http://example.org/tickets?status=open", "example.org/tickets"),
        ("http://example.org/issues#latest", "example.org/issues"),
        # Ordinary links, and a marker that is only part of a segment, name no site.
        ("http://blog.example.com/2010/01/reactors.html", None),
        ("http://example.org/issuesfoo/1", None),
        ("https://twistedmatrix.com/", None),
    ],
)
def test_a_links_site_is_its_host_and_path_to_the_record_segment(
    url: str, site: str | None
) -> None:
    con = duckdb.connect()
    found = con.execute(f"SELECT {record_sites_sql('[$url]')}", {"url": url}).fetchone()
    assert found == ([site] if site else [],)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        # Sentence punctuation after a link is not the link's; a query string is.
        ("see https://example.org/a?", ["https://example.org/a"]),
        ("at https://example.org/a.", ["https://example.org/a"]),
        ("(https://example.org/a), then", ["https://example.org/a"]),
        (
            "https://example.org/a?b=1 and https://example.org/",
            ["https://example.org/a?b=1", "https://example.org/"],
        ),
        ("<https://example.org/a|label>", ["https://example.org/a"]),
    ],
)
def test_a_link_ends_before_the_sentence_punctuation(text: str, links: list[str]) -> None:
    con = duckdb.connect()
    found = con.execute("SELECT regexp_extract_all($t, $p)", {"t": text, "p": URL_PATTERN})
    assert found.fetchone() == (links,)
    assert re.findall(URL_PATTERN, text) == links


def test_sites_are_distinct_and_sorted_and_a_missing_list_has_none() -> None:
    urls = [
        "http://dev.example.org/trac/ticket/2",
        "https://github.com/acme/app/issues/1",
        "http://dev.example.org/trac/ticket/1",
    ]
    con = duckdb.connect()
    assert con.execute(f"SELECT {record_sites_sql('$u')}", {"u": urls}).fetchone() == (
        ["dev.example.org/trac/ticket", "github.com/acme/app/issues"],
    )
    assert con.execute(f"SELECT {record_sites_sql('NULL')}").fetchone() == ([],)


def test_sources_with_a_urls_column_take_their_sites_from_it() -> None:
    # Zulip and Teams read HTML bodies' href targets into `urls`; sites come from there too.
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE shaped AS SELECT 0 AS links, 0 AS record_links, "
        "[]::VARCHAR[] AS record_sites, ['http://dev.example.org/trac/ticket/9'] AS urls"
    )
    row = con.execute(links_from_urls_sql("shaped"), {"record_pattern": "$^"}).fetchone()
    assert row == (1, 0, [TICKETS])


@pytest.fixture(scope="module")
def own_trac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("own_trac") / "store.duckdb"
    ingest([OWN_TRAC], store=store)
    return store


def _sites(store: Path) -> dict[str, list[str]]:
    with EvidenceStore.open(store, create=False, read_only=True) as opened:
        rows = opened.con.execute(
            "SELECT count(*), list_sort(flatten(list(record_sites))) FROM messages "
            "WHERE kind = 'human'"
        ).fetchone()
    assert rows is not None
    return {"count": [str(rows[0])], "sites": rows[1]}


def test_ingest_keeps_each_messages_sites_and_not_quoted_ones(own_trac: Path) -> None:
    stored = _sites(own_trac)
    assert stored["count"] == ["9"]
    # m1-m3 tickets, m4-m5 wiki, m6 GitHub; m9's quoted ticket link is not its own.
    assert stored["sites"] == [
        TICKETS,
        TICKETS,
        TICKETS,
        "dev.example.org/trac/wiki",
        "dev.example.org/trac/wiki",
        "github.com/acme/app/issues",
    ]


def _assumption(result: MeasureResult, ident: str) -> Any:
    return next((a for a in result.assumptions if a.id == ident), None)


def test_record_systems_linked_by_three_messages_are_detected_and_counted(own_trac: Path) -> None:
    result = measure(store=own_trac)
    # The wiki (2 messages) and the GitHub issue (1) stay below the threshold.
    assert MIN_DETECTED_MESSAGES == 3
    assert result.to_json()["record_systems"] == {
        "source": "detected",
        "detected": [{"site": TICKETS, "messages": 3}],
    }
    assert result.metrics["messages.record_link_share"] == pytest.approx(4 / 9)
    assert result.metrics["decisions.record_link_share"] == pytest.approx(1 / 2)
    assumed = _assumption(result, "record-systems")
    assert assumed.basis == "detected"
    assert assumed.to_json()["basis"] == "detected"
    assert f"{TICKETS} (3 messages)" in assumed.text
    assert "detected from the links the archive carries" in assumed.text
    # The other defaults are still assumed.
    assert _assumption(result, "response-windows").basis == "default"


def test_public_references_cited_three_times_are_not_detected(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest([PUBLIC_REFERENCES], store=store)
    result = measure(store=store)
    # en.wikipedia.org/wiki (2) and de.wikipedia.org/wiki (1) are two sites, docs.python.org is
    # linked by 3 messages; none is the team's: only its own wiki is detected.
    assert result.to_json()["record_systems"] == {
        "source": "detected",
        "detected": [{"site": "wiki.example.org", "messages": 3}],
    }
    assert result.metrics["messages.record_link_share"] == pytest.approx(3 / 9)


def test_the_default_patterns_alone_count_one_message(own_trac: Path) -> None:
    # The same store, with the charter stating the default patterns: nothing is detected.
    charter = Charter(record_systems=list(DEFAULT_RECORD_SYSTEMS))
    result = measure(store=own_trac, charter=charter)
    assert result.to_json()["record_systems"] == {"source": "charter", "detected": []}
    assert result.metrics["messages.record_link_share"] == pytest.approx(1 / 9)
    assert result.metrics["decisions.record_link_share"] == 0.0
    assert _assumption(result, "record-systems") is None


def test_a_charter_listing_record_systems_decides_alone(tmp_path: Path) -> None:
    charter = Charter(record_systems=[r"dev\.example\.org(:\d+)?/trac/wiki/"])
    store = tmp_path / "store.duckdb"
    ingest([OWN_TRAC], store=store, charter=charter)
    result = measure(store=store, charter=charter)
    assert result.record_systems.source == "charter"
    assert result.record_systems.detected == ()
    # m4 and m5 link the wiki; the tickets, though linked 3 times, do not count.
    assert result.metrics["messages.record_link_share"] == pytest.approx(2 / 9)
    assert _assumption(result, "record-systems") is None


def test_a_store_ingested_before_sites_were_kept_detects_none_and_says_so(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest([OWN_TRAC], store=store)
    with EvidenceStore.open(store) as opened:
        opened.con.execute("UPDATE messages SET record_sites = NULL")
    result = measure(store=store)
    assert result.record_systems.source == "default"
    assert result.record_systems.unrecorded == 9
    assert result.metrics["messages.record_link_share"] == pytest.approx(1 / 9)
    assert any("9 human messages were ingested before" in note for note in result.notes)
    assumed = _assumption(result, "record-systems")
    assert assumed.basis == "default"
    assert "none of the team's own was detected" in assumed.text


def _leaning_on(document: Any, ident: str) -> list[str]:
    """Criteria decided by data that say they lean on assumption `ident`."""
    return [c.id for _, _, c in document.criteria() if ident in c.assumed]


def test_criteria_on_detected_systems_are_not_decided_under_a_default(
    own_trac: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture's 9 messages are too few to decide a criterion (20); here the rule is one.
    monkeypatch.setattr("asyncmaturity.assess.MIN_DECIDING_SAMPLE", 1)
    detected = assess(measure(store=own_trac)).document()
    used = next(a for a in detected.assumptions if a.id == "record-systems")
    assert used.basis == "detected"
    assert used.criteria > 0  # criteria read the detected systems...
    assert _leaning_on(detected, "record-systems") == []  # ...but no default
    assert "- Detected: Systems of record detected" in assessment_markdown(detected)
    # Without detection, the same criteria lean on the assumed default patterns.
    store = tmp_path / "old.duckdb"
    ingest([OWN_TRAC], store=store)
    with EvidenceStore.open(store) as opened:
        opened.con.execute("UPDATE messages SET record_sites = NULL")
    assumed = assess(measure(store=store)).document()
    assert next(a for a in assumed.assumptions if a.id == "record-systems").basis == "default"
    assert _leaning_on(assumed, "record-systems")

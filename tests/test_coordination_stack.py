"""The WMI Coordination Stack read from the AWAIT signals of the archive and the request ledger:
the framework's mapping, the ledger's layer metrics by hand, the document and the report."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from asyncmaturity.assess.document import AssessmentDocument
from asyncmaturity.errors import InvalidFramework
from asyncmaturity.frameworks import load_framework, parse_framework
from asyncmaturity.metrics.measure import measure
from asyncmaturity.report import render_html, report_data
from asyncmaturity.report.markdown import assessment_markdown
from asyncmaturity.store.ingest import ingest
from tests.assessing import assessed

FIXTURES = Path(__file__).parent / "fixtures"
LEDGER = FIXTURES / "ledger" / "stack_layers_each_missing_somewhere.json"
WMI = Path(__file__).parent.parent / "src" / "asyncmaturity" / "frameworks" / "data" / "wmi.yaml"

# By hand, over the fixture's four requests (the decision record is no request):
# R1 owner ben, "Please review", due, context and a link, reply "Reviewed": every layer.
# R2 no owner, "thoughts?" (no action), emergency (now), no context, reply asks for a call.
# R3 owner cat, "Approve the invoice", due, no context (4 words), reply "DM me the details".
# R4 owner dan, no action, normal without a due time, context and a link, no reply.
# who R1 R3 R4; what R1 R3; when R1 R2 R3; why R1 R4; how (no move) R1 R4.
LEDGER_EXPECTED = {
    "stack.ledger.who_share": 3 / 4,
    "stack.ledger.what_share": 2 / 4,
    "stack.ledger.when_share": 3 / 4,
    "stack.ledger.why_share": 2 / 4,
    "stack.ledger.how_share": 2 / 4,
}


@pytest.fixture(scope="module")
def ledger_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("stack") / "store.duckdb"
    ingest([LEDGER], store=store)
    return store


def test_each_layer_reads_its_own_await_element() -> None:
    wmi = load_framework("wmi")
    mapping = {layer.id: layer.await_element for layer in wmi.coordination_stack}
    assert mapping == {
        "who": "assign",
        "what": "action",
        "when": "window",
        "why": "information",
        "how": "thread",
    }
    # The archive's figure of each layer is the metric of its AWAIT element.
    elements = {element.id: element.metrics for element in wmi.protocol}
    for layer in wmi.coordination_stack:
        assert layer.archive_metric in elements[layer.await_element]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda layers: layers[0].update(await_element="sparkle"),
            "coordination_stack[0].await_element: 'sparkle' is no element of the protocol",
        ),
        (
            lambda layers: layers[1].update(await_element="assign"),
            "coordination_stack[1].await_element: 'assign' is read by another layer",
        ),
        (lambda layers: layers[2].update(ledger_metric="stack.nothing"), "unknown metric"),
    ],
)
def test_a_stack_layer_that_reads_nothing_known_is_refused(change: Any, message: str) -> None:
    raw = copy.deepcopy(yaml.safe_load(WMI.read_text(encoding="utf-8")))
    change(raw["coordination_stack"])
    with pytest.raises(InvalidFramework, match="coordination_stack") as caught:
        parse_framework(raw, origin="wmi.yaml")
    assert message in str(caught.value)


def test_the_ledger_layers_match_the_hand_count(ledger_store: Path) -> None:
    metrics = measure(store=ledger_store).metrics
    assert metrics["ledger.requests"] == 4
    for metric_id, expected in LEDGER_EXPECTED.items():
        assert metrics[metric_id] == pytest.approx(expected), metric_id


def test_the_document_and_the_report_carry_the_stack(ledger_store: Path) -> None:
    document = assessed(store=ledger_store)
    layers = {layer["id"]: layer for layer in document["coordination_stack"]}
    assert list(layers) == ["who", "what", "when", "why", "how"]
    assert layers["who"]["await_element"] == "Assign ownership"
    for layer in layers.values():
        assert layer["ledger_share"] == pytest.approx(LEDGER_EXPECTED[layer["ledger_metric"]])
    # The ledger's request events are requests of the archive too (R1, R2 and R3 ask in their
    # text); the owner is a ledger field that no text names, so the archive's "who" is 0.
    assert layers["who"]["archive_share"] == 0.0
    typed = AssessmentDocument.from_json(document)
    markdown = assessment_markdown(typed)
    assert "| Who: Ownership; who does it and who decides. | Assign ownership | 0.0% | 75.0% |" in (
        markdown
    )
    html = render_html(report_data(None, assessment=typed))
    assert 'id="coordination-stack"' in html and 'href="#business-metrics"' in html
    assert "<td>Assign ownership</td><td>0.0%</td><td>75.0%</td>" in html


def test_without_requests_every_layer_is_unknown(tmp_path: Path) -> None:
    store = tmp_path / "calendar.duckdb"
    ingest([FIXTURES / "ical" / "all_day_event.ics"], store=store)
    layers = assessed(store=store)["coordination_stack"]
    assert len(layers) == 5
    assert all(row["archive_share"] is None and row["ledger_share"] is None for row in layers)


def test_a_document_written_before_the_stack_reads_back(ledger_store: Path) -> None:
    document = assessed(store=ledger_store)
    del document["coordination_stack"], document["business_metrics"]
    again = AssessmentDocument.from_json(document)
    assert again.coordination_stack == [] and again.business_metrics == []
    assert "## Coordination Stack" not in assessment_markdown(again)
    html = render_html(report_data(None, assessment=again))
    assert 'id="coordination-stack"' not in html and 'id="business-metrics"' not in html

"""Frames not kept (``build_frames(keep=False)``), for a run that reads them in one query, give
every figure the kept frames give, and leave no table behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncmaturity.charter import Charter
from asyncmaturity.metrics.frames import build_frames
from asyncmaturity.metrics.measure import compute
from asyncmaturity.metrics.presence import active_people
from asyncmaturity.simulate.params import SimulationParams
from asyncmaturity.store.evidence import Evidence, open_evidence
from tests.stores import simulated_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated organization: threads, replies by others, several zones and months."""
    root = tmp_path_factory.mktemp("unkept")
    return simulated_store(root, SimulationParams(people=8, days=7, seed=4))


def _temp_tables(evidence: Evidence) -> set[str]:
    """Names of the temporary tables on the evidence's DuckDB connection."""
    assert evidence.store is not None
    query = "SELECT table_name FROM duckdb_tables() WHERE temporary"
    return {row[0] for row in evidence.store.con.execute(query).fetchall()}


def test_unkept_frames_give_every_figure_of_kept_ones_and_keep_no_table(store: Path) -> None:
    with open_evidence(store) as evidence:
        kept = compute(build_frames(evidence, Charter()))
        assert {"_am_human", "_am_roots"} <= _temp_tables(evidence)
    with open_evidence(store) as evidence:
        unkept = compute(build_frames(evidence, Charter(), keep=False))
        assert not {t for t in _temp_tables(evidence) if t.startswith("_am_")}
    organization, scopes, suppressed, samples = unkept
    # The kept frames are the reference: every metric, scope, group and sample size agrees.
    assert organization == pytest.approx(kept[0], nan_ok=True)
    assert organization["messages.human"] > 0
    assert organization["response.first_reply.median_s"] is not None
    assert scopes.keys() == kept[1].keys()
    for scope, groups in scopes.items():
        assert groups.keys() == kept[1][scope].keys()
        for group, values in groups.items():
            assert values == pytest.approx(kept[1][scope][group], nan_ok=True), (scope, group)
    assert (suppressed, samples) == (kept[2], kept[3])


def test_active_people_on_unkept_frames_are_the_authors_of_human_messages(store: Path) -> None:
    # Independently of the frames: the distinct authors of the store's human messages.
    with open_evidence(store) as evidence:
        messages = evidence.table("messages")
        human = messages.filter(messages.kind == "human")
        authors = set(human.select("author_key").distinct().to_pyarrow()["author_key"].to_pylist())
        people = evidence.table("people").select("person_key").order_by("person_key")
        order = people.distinct().to_pyarrow()["person_key"].to_pylist()
    (found,) = active_people(store, [(None, None)])
    # active_people gives each author's dense person id (its rank among the store's people).
    assert found == frozenset(str(order.index(key)) for key in authors)

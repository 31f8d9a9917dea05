"""Reference docs generated from the registries, so that they cannot drift from the code."""

from __future__ import annotations

import json

from asyncmaturity.charter import Charter
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.frames import SCOPES
from asyncmaturity.sources import SOURCES


def metrics_markdown() -> str:
    """docs/metrics.md: every registered metric with its exact definition and parameters."""
    defaults = Charter().model_dump()
    lines = [
        "# Metrics",
        "",
        "Generated from the metric registry by `asyncmaturity docs metrics`; do not edit by hand.",
        "",
        "Every metric is computed for the whole store (`metrics` in `measure --json`) and per scope "
        f"({', '.join(s for s in SCOPES if s != 'organization')}; `scopes`). A scope group with "
        "fewer active people than the charter's `min_group_size` is suppressed. Percentiles are "
        "linear-interpolated (DuckDB `quantile_cont`). Timestamps are UTC; `--since` is "
        "inclusive, `--until` exclusive (a date `--until` includes that whole day).",
        "",
        "| id | unit | contract | definition |",
        "|---|---|---|---|",
    ]
    for m in METRICS.values():
        lines.append(f"| `{m.id}` | {m.unit} | {'yes' if m.contract else ''} | {m.definition} |")
    lines += ["", "## Parameters and departures from the field's definitions", ""]
    for m in METRICS.values():
        if not (m.parameters or m.differs_from):
            continue
        lines.append(f"### `{m.id}`")
        lines.append("")
        for parameter in m.parameters:
            lines.append(f"- charter `{parameter}` (default: `{defaults[parameter]}`)")
        if m.differs_from:
            lines.append(f"- differs from the field: {m.differs_from}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def charter_markdown() -> str:
    """docs/charter.md: every charter field with its default and meaning."""
    lines = [
        "# Team charter",
        "",
        "Generated from the charter model by `asyncmaturity docs charter`; do not edit by hand.",
        "",
        "A YAML file passed with `--charter`. Every field is optional; an absent file means the "
        "defaults. An invalid value is rejected with the file and the field named.",
        "",
        "| field | default | meaning |",
        "|---|---|---|",
    ]
    defaults = Charter().model_dump()
    for name, field in Charter.model_fields.items():
        default = json.dumps(defaults[name]).replace("|", "\\|")  # a pipe would end the cell
        lines.append(f"| `{name}` | `{default}` | {field.description or ''} |")
    return "\n".join(lines) + "\n"


def sources_markdown() -> str:
    """docs/sources.md: every registered source, what it accepts and its parser version."""
    lines = [
        "# Sources",
        "",
        "Generated from the source registry by `asyncmaturity docs sources`; do not edit by hand.",
        "",
        "| format | what | accepts | parser |",
        "|---|---|---|---|",
    ]
    for s in SOURCES.values():
        lines.append(f"| `{s.name}` | {s.summary} | {s.accepts} | `{s.parser_version}` |")
    return "\n".join(lines) + "\n"

"""Reference docs generated from the registries, so that they cannot drift from the code."""

from __future__ import annotations

import json

from asyncmaturity.assess.document import PRINCIPLE_RULE
from asyncmaturity.charter import Charter
from asyncmaturity.frameworks import Criterion, Framework
from asyncmaturity.metrics import METRICS
from asyncmaturity.metrics.frames import SCOPES
from asyncmaturity.sources import registered_sources
from asyncmaturity.sources.interface import NO_REAL_SAMPLE, real_samples
from asyncmaturity.sources.reading import contract_markdown
from asyncmaturity.units import format_score, format_share, format_value


def metrics_markdown() -> str:
    """docs/metrics.md: every registered metric with its exact definition and parameters."""
    from asyncmaturity.metrics import norms

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
        "`better` is the direction in which the metric improves, where the definition alone "
        "makes it plain; `compare` calls a change of a metric without one increased or decreased, "
        "unless a criterion's threshold gives it a direction.",
        "",
        "| id | unit | better | contract | definition |",
        "|---|---|---|---|---|",
    ]
    for m in METRICS.values():
        lines.append(
            f"| `{m.id}` | {m.unit} | {m.better or ''} | {'yes' if m.contract else ''} "
            f"| {m.definition} |"
        )
    lines += [
        "",
        "## Working norms",
        "",
        (norms.__doc__ or "").strip(),
        "",
        "After-hours figures, unknown where the team keeps no shared working hours: "
        + ", ".join(f"`{m.id}`" for m in METRICS.values() if m.after_hours)
        + ".",
    ]
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


def await_markdown() -> str:
    """docs/await.md: the AWAIT rules of `lint` and of the archive signals, and their metrics."""
    from asyncmaturity.await_protocol import lint as await_lint
    from asyncmaturity.await_protocol import rules as await_rules
    from asyncmaturity.metrics.await_metrics import AWAIT_METRICS

    lines = [
        "# AWAIT requests: the draft linter and the archive metrics",
        "",
        "Generated from the code by `asyncmaturity docs await`; do not edit by hand.",
        "",
        "## `asyncmaturity lint`: one draft",
        "",
        (await_lint.__doc__ or "").strip(),
        "",
        "## Signals stored for every archived message",
        "",
        (await_rules.__doc__ or "").strip(),
        "",
        "## Metrics",
        "",
        "| id | unit | definition |",
        "|---|---|---|",
    ]
    lines += [f"| `{m.id}` | {m.unit} | {m.definition} |" for m in AWAIT_METRICS]
    return "\n".join(lines) + "\n"


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
        "`ingest PATH` detects the format of each path. A folder holding several exports (as "
        "`asyncmaturity simulate --out` writes them: `slack/`, `calendar.ics`, `github/`) is read "
        "part by part, each entry in its own detected format, in one transaction; the summary "
        "lists each part with its format and counts, and names every entry no source recognises. "
        "A zip of such a folder is unpacked (safely, as every zip is) and split the same way, its "
        "parts named `archive.zip!member` in the summary, in skips and in the store; a zip of one "
        "export is read by its source. "
        "A part that several formats claim is an error naming it; `--format` reads the whole "
        "path in one format.",
        "",
        "| format | what | accepts | parser |",
        "|---|---|---|---|",
    ]
    sources = registered_sources()
    for s in sources:
        lines.append(f"| `{s.name}` | {s.summary} | {s.accepts} | `{s.parser_version}` |")
    lines += ["", *contract_markdown()]
    lines += [
        "## Real samples",
        "",
        "Each format is tested on real, public exports under a licence compatible with this "
        "project's (MIT): small samples kept in `tests/fixtures/real/<format>/`, whose "
        "`PROVENANCE.md` gives the repository, commit, path, licence and any trimming. Each "
        "sample is named as `repository@commit:path`; where none was found the reason is given, "
        "and the format's quirks are tested on fixtures named after them.",
        "",
    ]
    for s in sources:
        samples = real_samples(s) or (f"{NO_REAL_SAMPLE}not declared",)
        lines.append(f"- `{s.name}`: " + "; ".join(_sample_text(entry) for entry in samples))
    return "\n".join(lines) + "\n"


def _sample_text(entry: str) -> str:
    """One declared real sample as Markdown: the reference in code, a reason as prose."""
    return entry if entry.startswith(NO_REAL_SAMPLE) else f"`{entry}`"


def _check_text(criterion: Criterion) -> str:
    parts = []
    if criterion.metric is not None:
        unit = METRICS[criterion.metric.id].unit
        parts.append(
            f"`{criterion.metric.id}` {criterion.metric.op} "
            f"{format_value(criterion.metric.threshold, unit)}"
        )
    if criterion.survey is not None:
        items = ", ".join(f"`{i}`" for i in criterion.survey.items)
        parts.append(f"survey {items} mean score >= {format_score(criterion.survey.min_score)}")
    return "; ".join(parts)


def _principles_markdown(framework: Framework) -> list[str]:
    """The principles with the criteria, metric checks and survey items that evidence each."""
    lines = ["## Principles", "", PRINCIPLE_RULE, ""]
    lines += ["| principle | criteria | metrics | survey items | why |", "|---|---|---|---|---|"]
    for p in framework.principles:
        criteria = ", ".join(f"`{c}`" for c in p.criteria) or "-"
        metrics = (
            ", ".join(
                f"`{m.id}` {m.op} {format_value(m.threshold, METRICS[m.id].unit)}"
                for m in p.metrics
            )
            or "-"
        )
        items = (
            f"{', '.join(f'`{i}`' for i in p.survey.items)}, each >= "
            f"{format_score(p.survey.min_score)}"
            if p.survey is not None
            else "-"
        )
        lines.append(
            f"| **{p.name}**: {p.description} | {criteria} | {metrics} | {items} | "
            f"{p.rationale or '-'} |"
        )
    lines.append("")
    return lines


def framework_markdown(framework: Framework) -> str:
    """One framework as Markdown: levels, areas or stages, criteria with thresholds and sources."""
    lines = [
        f"# {framework.name} (`{framework.id}`, {framework.kind})",
        "",
        framework.description,
        "",
    ]
    if framework.attribution is not None:
        a = framework.attribution
        lines += [f"Source: {a.title}, {a.source}. Licence: {a.licence}.", "", f"> {a.notice}", ""]
    if framework.levels:
        lines += ["## Levels", ""]
        lines += [f"- **{lv.value} {lv.name}**: {lv.summary}" for lv in framework.levels]
        lines.append("")
    for area in framework.areas:
        lines += [f"## {area.name} (`{area.id}`)", "", area.description, ""]
        for level in area.levels:
            lines += [
                f"### Level {level.level} {framework.level_name(level.level)}",
                "",
                level.text,
                "",
            ]
            lines += ["| criterion | check | rationale | actions |", "|---|---|---|---|"]
            for c in level.criteria:
                actions = ", ".join(f"`{p}`" for p in c.actions)
                lines.append(
                    f"| `{c.id}`: {c.text} | {_check_text(c)} | {c.rationale} | {actions} |"
                )
            lines.append("")
    if framework.rules:
        lines += ["## Stage rules", ""] + [f"- {rule}" for rule in framework.rules] + [""]
    for stage in framework.stages:
        if not stage.criteria:
            continue
        lines += [f"### Stage {stage.level} {framework.level_name(stage.level)}: criteria", ""]
        lines += ["| criterion | check | rationale |", "|---|---|---|"]
        for c in stage.criteria:
            lines.append(f"| `{c.id}`: {c.text} | {_check_text(c)} | {c.rationale} |")
        lines.append("")
    for title, elements in (
        ("Assessment dimensions", framework.dimensions),
        ("AWAIT protocol", framework.protocol),
    ):
        if elements:
            lines += [f"## {title}", ""]
            for e in elements:
                metrics = (
                    f" Metrics: {', '.join(f'`{m}`' for m in e.metrics)}." if e.metrics else ""
                )
                lines.append(
                    f"- **{e.letter + ' ' if e.letter else ''}{e.name}**: {e.description}{metrics}"
                )
            lines.append("")
    if framework.principles:
        lines += _principles_markdown(framework)
    lines += _stack_lines(framework) + _business_lines(framework)
    if framework.activities:
        lines += [
            "## Activities",
            "",
            "| activity | scheduled | synchronous | description |",
            "|---|---|---|---|",
        ]
        for act in framework.activities:
            lines.append(
                f"| {act.name} | {act.scheduled} | {act.synchronous} | {act.description} |"
            )
        lines.append("")
        lines += _activity_evidence_lines(framework)
    if framework.prioritization:
        lines += ["## Prioritisation (Eisenhower)", ""]
        for q in sorted(framework.prioritization, key=lambda q: q.rank):
            lines.append(
                f"{q.rank}. **{q.name}** (urgent: {q.urgent}, important: {q.important}): {q.advice}"
            )
        lines.append("")
    if framework.practices:
        lines += ["## Practices", ""]
        for p in framework.practices:
            target = (
                f"`{p.target.id}` {p.target.op} {format_value(p.target.threshold, METRICS[p.target.id].unit)}"
                if p.target
                else f"survey {', '.join(p.survey_target.items)} >= "
                f"{format_score(p.survey_target.min_score)}"
                if p.survey_target
                else "-"
            )
            saving = (
                f" Saving: {format_share(p.saving.fraction, 0)} of {p.saving.component} ({p.saving.basis})"
                if p.saving
                else ""
            )
            lines.append(
                f"- **{p.title}** (`{p.id}`, effort {p.effort}, {p.activity}): {p.description} "
                f"Target: {target}.{saving} Source: {p.source}"
            )
        lines.append("")
    if framework.survey is not None and framework.survey.items:
        lines += ["## Survey items", "", "| id | scale | question |", "|---|---|---|"]
        for item in framework.survey.items:
            reverse = " (reversed)" if item.reverse else ""
            lines.append(f"| `{item.id}` | {item.scale}{reverse} | {item.text} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _activity_evidence_lines(framework: Framework) -> list[str]:
    """What places each activity on the grid in an assessment's activity map."""
    placed = [a for a in framework.activities if a.evidence is not None]
    if not placed:
        return []
    lines = [
        "### What evidences each activity (the activity map)",
        "",
        "Each assessment places the team's own activity on the grid: where the figure meets its "
        "check, the activity sits where the framework puts it; where it misses, on the other "
        "side of the axis the figure measures. A figure no export shows leaves it unknown.",
        "",
    ]
    for act in placed:
        evidence = act.evidence
        assert evidence is not None
        supporting = ", ".join(f"`{m}`" for m in evidence.supporting) or "none"
        lines.append(
            f"- **{act.name}**: `{evidence.placement.describe()}` places it on the "
            f"{evidence.axis} axis ({METRICS[evidence.placement.id].label.lower()}). "
            f"{evidence.rationale} Shown beside it: {supporting}. Where it misses: "
            f"{evidence.departs}"
        )
    lines.append("")
    return lines


def _stack_lines(framework: Framework) -> list[str]:
    """The Coordination Stack: each layer, the AWAIT element that asks for it, its metrics."""
    if not framework.coordination_stack:
        return []
    elements = {e.id: e for e in framework.protocol}
    lines = [
        "## Coordination Stack",
        "",
        "Each layer is read through the AWAIT element that asks for it: the share of requests "
        "that carry it in the archive (chat, mail and tracker comments) and in the request "
        "ledger. Unknown where no such request is visible.",
        "",
        "| layer | what it holds | AWAIT element | archive | ledger |",
        "|---|---|---|---|---|",
    ]
    for layer in framework.coordination_stack:
        lines.append(
            f"| {layer.name} | {layer.description} | {elements[layer.await_element].name} | "
            f"`{layer.archive_metric}` | `{layer.ledger_metric}` |"
        )
    return [*lines, ""]


def _business_lines(framework: Framework) -> list[str]:
    """The business guide's metrics table: how each metric is answered."""
    if not framework.business_metrics:
        return []
    lines = [
        "## Business guide metrics",
        "",
        "Every metric of the business guide's table, computed from the evidence, asked in the "
        "survey, or not measurable and why.",
        "",
        "| metric | what it means here | computed | asked |",
        "|---|---|---|---|",
    ]
    for row in framework.business_metrics:
        computed = ", ".join(f"`{m}`" for m in row.metrics) or "-"
        asked = ", ".join(f"`{i}`" for i in row.survey) or "-"
        if row.not_measurable is not None:
            computed = asked = f"not measurable: {row.not_measurable}"
        lines.append(f"| {row.name} | {row.description} | {computed} | {asked} |")
    return [*lines, ""]


def frameworks_markdown() -> str:
    """docs/frameworks.md: the assessment rules and every shipped framework."""
    from asyncmaturity.assess import evaluate, pilot, roadmap
    from asyncmaturity.frameworks import shipped_frameworks

    lines = [
        "# Frameworks",
        "",
        "Generated from the framework files by `asyncmaturity docs frameworks`; do not edit by hand.",
        "",
        "## Placement rules",
        "",
        (evaluate.__doc__ or "").split("Rules (also in ``docs/frameworks.md``):", 1)[-1].strip(),
        "",
        "## Roadmap ranking",
        "",
        (roadmap.__doc__ or "").split("Ranking (also in ``docs/frameworks.md``):", 1)[-1].strip(),
        "",
        "## The six-week pilot",
        "",
        "The business guide's pilot (pick a team, set its norms in the charter, measure a "
        "baseline, run six weeks, compare) is one command, `asyncmaturity pilot` (steps in "
        "`docs/pilot.md`). It assesses both periods of one store and judges each metric, "
        "criterion and area by its 95% bootstrap interval:",
        "",
        f"- Periods: in order, not overlapping, each at least {pilot.MIN_PERIOD_DAYS} days "
        f"(under {pilot.GUIDE_PERIOD_DAYS}, the guide's six weeks, with a warning).",
        f"- People: of those active in either period, at least {pilot.MIN_SHARED_PEOPLE:.0%} "
        f"active in both (`--min-shared-people`), with a warning under "
        f"{pilot.WARN_SHARED_PEOPLE:.0%}: otherwise the periods compare mostly other people.",
        f"- Verdicts: {pilot.RULE}.",
        "",
    ]
    body = "\n".join(lines)
    for framework in shipped_frameworks().values():
        demoted = [
            "#" + line if line.startswith("#") else line
            for line in framework_markdown(framework).splitlines()
        ]
        body += "\n" + "\n".join(demoted) + "\n"
    return body.rstrip() + "\n"

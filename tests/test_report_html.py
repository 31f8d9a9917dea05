"""Tests of the single-file HTML report: structure, formatting, escaping, offline rendering."""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from asyncmaturity.report import SECTIONS, ReportData, ReportSection, render_html
from asyncmaturity.report.model import Bucket, GroupRow, MetricFigure, MonthShare
from asyncmaturity.report.svg import Bar, bar_chart, nice_ticks
from asyncmaturity.units import format_duration, format_value, humanize_metric_id

INJECTION = "<script>alert(1)</script>"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _activity(weekday: int, hour: int) -> int:
    """Make a plausible office-hours activity pattern with some evening and weekend traffic."""
    if weekday >= 5:
        return 3 if 10 <= hour < 18 else 0
    if 9 <= hour < 17:
        return 40 + 12 * (hour % 4) - 4 * weekday
    return 6 if 7 <= hour < 22 else 0


def sample_report_data() -> ReportData:
    """Build a hand-made report with a None figure, a month gap and an HTML-injection group name."""
    return ReportData(
        title="Platform team & friends",
        generated_at="2024-07-02T08:15:00+00:00",
        period_start="2024-01-01",
        period_end="2024-06-30",
        sources=["slack export (acme)", "mailing list <dev@lists.example.org>"],
        min_group_size=5,
        headline=[
            MetricFigure(
                "response.first_reply.median_s",
                "Median time to first reply",
                5400,
                "seconds",
                "Median time from a conversation's first message to the first reply by someone "
                "else, within working hours.",
            ),
            MetricFigure(
                "hours.after_hours_share",
                "After-hours share",
                0.125,
                "share",
                "Share of human messages written outside the author's working hours.",
            ),
            MetricFigure(
                "messages.human", "Human messages", 12345, "count", "Messages written by people."
            ),
            MetricFigure(
                "first_reply_p90_s",
                "Slowest tenth of first replies",
                276480,
                "seconds",
                "90th percentile of the time to first reply.",
            ),
            MetricFigure(
                "within_window_share",
                "Replies within the response window",
                None,
                "share",
                "Share of first replies that arrive within the charter's response window.",
            ),
            MetricFigure(
                "focus.hours_per_person_week",
                "Focus hours per person and week",
                12.5,
                "hours",
                "Hours in blocks of at least 2 h free of meetings, per person and week.",
            ),
        ],
        first_reply_distribution=[
            Bucket("< 15 min", 0, 900, 120),
            Bucket("15-60 min", 900, 3600, 340),
            Bucket("1-4 h", 3600, 14400, 410),
            Bucket("4-24 h", 14400, 86400, 220),
            Bucket("1-3 d", 86400, 259200, 60),
            Bucket("> 3 d", 259200, None, 12),
        ],
        hour_of_week=[[_activity(d, h) for h in range(24)] for d in range(7)],
        after_hours_by_month=[
            MonthShare("2024-01", 4210, 0.08),
            MonthShare("2024-02", 3980, 0.11),
            MonthShare("2024-03", 0, None),
            MonthShare("2024-04", 4420, 0.135),
            MonthShare("2024-05", 4102, 0.097),
            MonthShare("2024-06", 3890, 0.152),
        ],
        by_conversation_kind=[
            GroupRow(
                "public channel",
                38,
                {
                    "response.first_reply.median_s": 7200,
                    "hours.after_hours_share": 0.09,
                    "messages.human": 8120,
                },
            ),
            GroupRow(
                "dm",
                24,
                {
                    "response.first_reply.median_s": 1500,
                    "hours.after_hours_share": 0.21,
                    "messages.human": 3610,
                },
            ),
            GroupRow(
                INJECTION,
                7,
                {
                    "response.first_reply.median_s": None,
                    "hours.after_hours_share": 0.0,
                    "messages.human": 615,
                },
            ),
        ],
        breakdown_metric_ids=[
            "response.first_reply.median_s",
            "hours.after_hours_share",
            "messages.human",
        ],
        suppressed_groups=2,
        charter_summary=[
            "Time zone: Europe/Berlin",
            "Working hours: 09:00-17:00, Monday to Friday",
            "Response window: 24 h by default, 8 h in direct messages",
        ],
    )


@pytest.fixture
def report_html() -> str:
    """The sample report rendered once per test."""
    return render_html(sample_report_data())


# -- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (42, "42 s"),
        (720, "12 min"),
        (5400, "1 h 30 min"),
        (7500, "2 h 05 min"),
        (3599.7, "1 h 00 min"),
        (276480, "3.2 d"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.125, "share", "12.5%"),
        (0.42, "share", "42.0%"),
        (1234567, "count", "1,234,567"),
        (12.25, "count", "12.2"),
        (3.5, "hours", "3.5 h"),
        (None, "share", "no data"),
        (float("nan"), "seconds", "no data"),
    ],
)
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_metric_ids_become_readable_column_titles() -> None:
    assert humanize_metric_id("response.first_reply.median_s") == "Response first reply median"
    assert humanize_metric_id("hours.after_hours_share") == "Hours after hours"
    assert humanize_metric_id("messages") == "Messages"


def test_bar_chart_shortens_long_axis_labels_but_keeps_them_in_tooltips() -> None:
    label = "more than seven days, including the never answered"
    # Under two wide bars the label fits whole.
    chart = bar_chart([Bar(label, 3, "3"), Bar("< 5 min", 0, "0")], title="t")
    assert f">{label}</text>" in chart and "&lt; 5 min</text>" in chart
    # Under ten narrow ones it is rotated and shortened, its whole text the label's tooltip.
    many = [Bar(label, 3, "3"), *(Bar(f"bucket {i}", i, str(i)) for i in range(9))]
    chart = bar_chart(many, title="t")
    assert f"<title>{label}: 3</title>" in chart
    assert f"<title>{label}</title>more than seven d\N{HORIZONTAL ELLIPSIS}</text>" in chart
    assert "<title>bucket 1</title>" not in chart  # whole labels need no tooltip


def test_rotated_labels_stay_inside_the_chart() -> None:
    label = "a rather long first label"
    chart = bar_chart([Bar(label, 1, "1"), *(Bar("x" * 20, 1, "1") for _ in range(29))], title="t")
    first = re.search(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end"[^>]*rotate', chart)
    assert first is not None
    # The rotated label ends at its bar and reaches left by its width times cos(angle).
    reach = len("a rather long fir\N{HORIZONTAL ELLIPSIS}") * 12 * 0.6 * math.cos(math.radians(35))
    assert float(first.group(1)) - reach >= 0


def test_nice_ticks_cover_the_maximum() -> None:
    assert nice_ticks(410, integer=True) == [0, 100, 200, 300, 400, 500]
    assert [round(t, 2) for t in nice_ticks(0.152)] == [0, 0.05, 0.1, 0.15, 0.2]
    assert nice_ticks(1, integer=True) == [0, 1]
    assert nice_ticks(0) == [0, 0.25, 0.5, 0.75, 1.0]
    assert all(float(t).is_integer() for t in nice_ticks(3, integer=True))


# -- page structure ----------------------------------------------------------------------------


def test_sections_appear_in_registry_order_with_anchors(report_html: str) -> None:
    positions = []
    # A report without an assessment shows the evidence sections only.
    shown = [s for s in SECTIONS if s.applies(sample_report_data())]
    assert [s.id for s in shown] == [
        "headline",
        "first-reply",
        "hour-of-week",
        "after-hours",
        "by-kind",
        "notes",
    ]
    for section in shown:
        assert f'href="#{section.id}"' in report_html
        match = re.search(rf'<section[^>]*\bid="{re.escape(section.id)}"', report_html)
        assert match, f"section {section.id} is missing"
        heading = report_html.index(f">{section.title}</h2>", match.end())
        assert heading > match.end()
        positions.append(match.start())
    assert positions == sorted(positions)


def test_registry_ids_are_unique_and_duplicates_are_refused() -> None:
    ids = [s.id for s in SECTIONS]
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError, match="unique"):
        render_html(sample_report_data(), [*SECTIONS, SECTIONS[0]])


def test_a_new_section_only_needs_a_registry_entry() -> None:
    extra = ReportSection("extra", "An extra section", lambda data: "<p>extra body</p>")
    page = render_html(sample_report_data(), [*SECTIONS, extra])
    assert 'href="#extra"' in page
    assert '<section class="report-section" id="extra"' in page
    assert "<p>extra body</p>" in page


class _BalanceChecker(HTMLParser):
    """Check that every non-void element is closed in order, which a browser would forgive."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "rect", "line", "path"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Self-closing SVG elements open nothing."""

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def test_markup_is_balanced(report_html: str) -> None:
    checker = _BalanceChecker()
    checker.feed(report_html)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []


def test_no_external_resource_and_no_script(report_html: str) -> None:
    lowered = report_html.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "<img" not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    assert "http://" not in lowered
    assert "https://" not in lowered
    for attr, value in re.findall(r'\b(src|href|xlink:href)\s*=\s*["\']([^"\']*)', lowered):
        assert value.startswith("#"), f"{attr}={value!r} is not an in-page anchor"


def test_headline_figures_are_formatted_with_definitions(report_html: str) -> None:
    for text in ("1 h 30 min", "12.5%", "12,345", "3.2 d", "12.5 h"):
        assert f'<p class="value">{text}</p>' in report_html
    assert '<p class="value"><span class="nodata">no data</span></p>' in report_html
    for figure in sample_report_data().headline:
        assert figure.definition.replace("'", "&#39;") in report_html


def test_user_text_is_escaped(report_html: str) -> None:
    assert INJECTION not in report_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_html
    assert "Platform team &amp; friends" in report_html
    assert "&lt;dev@lists.example.org&gt;" in report_html
    assert "&gt; 3 d" in report_html  # a bucket label inside the SVG


def test_charts_are_accessible_svg(report_html: str) -> None:
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", report_html, flags=re.S)
    assert len(svgs) == 3
    for chart in svgs:
        assert 'role="img"' in chart
        assert re.search(r'aria-label="[^"]+"', chart)
        assert re.search(r"^<svg\b[^>]*><title>[^<]+</title>", chart)
    assert "Mon 08:00\N{EN DASH}09:00: 6 messages" in report_html


def test_breakdown_table_uses_the_registered_units(report_html: str) -> None:
    table = report_html[report_html.index('id="by-kind"') : report_html.index('id="notes"')]
    assert '<th scope="col">Conversation kind</th>' in table
    assert 'title="response.first_reply.median_s">Median time to first reply</th>' in table
    assert '<td class="num">2 h 00 min</td>' in table
    assert '<td class="num">21.0%</td>' in table
    assert '<td class="num">8,120</td>' in table
    assert '<td class="num"><span class="nodata">no data</span></td>' in table
    assert "fewer than 5 people are not shown" in table
    assert "2 groups were suppressed" in table


def test_notes_show_charter_privacy_and_generation_time(report_html: str) -> None:
    notes = report_html[report_html.index('id="notes"') :]
    assert "Europe/Berlin" in notes
    assert "pseudonymous" in notes and "team-level" in notes
    assert '<time datetime="2024-07-02T08:15:00+00:00">2 Jul 2024, 08:15 UTC</time>' in notes


def test_after_hours_gap_is_marked(report_html: str) -> None:
    chart = report_html[report_html.index('id="after-hours"') : report_html.index('id="by-kind"')]
    assert "stroke-dasharray" in chart
    assert "Mar 2024: no data after hours of 0 messages" in chart


def test_empty_and_all_zero_data_render() -> None:
    base = sample_report_data()
    empty = replace(
        base,
        headline=[],
        first_reply_distribution=[],
        hour_of_week=[],
        after_hours_by_month=[],
        by_conversation_kind=[],
        charter_summary=[],
        period_start=None,
        period_end=None,
        sources=[],
    )
    page = render_html(empty)
    assert "No conversation in scope received a reply" in page
    assert "No human message was recorded" in page
    assert "no activity recorded" in page
    assert "No month in scope has messages" in page
    assert "No conversation kind reached the minimum group size" in page
    assert "documented defaults" in page

    zeros = replace(
        base,
        first_reply_distribution=[replace(b, count=0) for b in base.first_reply_distribution],
        hour_of_week=[[0] * 24 for _ in range(7)],
        after_hours_by_month=[MonthShare("2024-01", 0, None)],
    )
    page = render_html(zeros)
    assert "Every range is empty" in page
    assert page.count("<svg") == 3


# -- real browser ------------------------------------------------------------------------------


def _chromium_path() -> str:
    """Find Debian's chromium, or skip the browser test with the reason."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        pytest.skip("chromium is not installed (run `make browser`)")
    return path


def _open_offline(report: Path, check: Any) -> list[str]:
    """Open `report` in headless Chromium with every non-file request refused; run `check(page)`.

    Returns the problems seen: console errors, page errors, failed or blocked requests.
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = _chromium_path()
    problems: list[str] = []

    def route(handle: Any) -> None:
        # Anything but the file itself would mean the report is not self-contained.
        if handle.request.url.startswith("file://"):
            handle.continue_()
        else:
            problems.append(f"blocked request: {handle.request.url}")
            handle.abort()

    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except sync_api.Error as exc:
            pytest.skip(f"chromium could not be started: {exc}")
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"console: {msg.text}") if msg.type == "error" else None
                ),
            )
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
            page.route("**/*", route)
            page.goto(report.as_uri(), wait_until="load")
            check(page)
        finally:
            browser.close()
    return problems


def _charts_have_size(page: Any) -> None:
    charts = page.locator("svg.chart-svg")
    assert charts.count() == 3
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50


@pytest.mark.browser
def test_report_renders_offline_in_chromium(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(render_html(sample_report_data()), encoding="utf-8")

    def check(page: Any) -> None:
        _charts_have_size(page)
        cards = page.locator(".card")
        assert cards.count() == len(sample_report_data().headline)
        for i in range(cards.count()):
            assert cards.nth(i).is_visible()
        assert page.title() == "Platform team & friends"
        assert INJECTION in page.locator("#by-kind").inner_text()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=str(tmp_path / "report-print.png"), full_page=True)

    assert _open_offline(report, check) == []
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.browser
def test_report_from_a_real_store_renders_offline_in_chromium(tmp_path: Path) -> None:
    from asyncmaturity.pipeline import run_report
    from asyncmaturity.simulate.export import simulate_slack_export
    from asyncmaturity.simulate.params import SimulationParams
    from asyncmaturity.store.ingest import ingest

    simulate_slack_export(tmp_path / "export", SimulationParams(people=12, days=20, seed=11))
    ingest([tmp_path / "export"], store=tmp_path / "s.duckdb")
    report = tmp_path / "report.html"
    report.write_text(render_html(run_report(store=tmp_path / "s.duckdb")), "utf-8")

    def check(page: Any) -> None:
        _charts_have_size(page)
        assert "public channel" in page.locator("#by-kind").inner_text()
        assert page.locator(".card").count() > 0

    assert _open_offline(report, check) == []

"""Calendar expansion speed: a year of a 500-series calendar, ingested into a new store.

The requirement: "A year of a 500-series calendar expands in seconds." The calendar is generated
(once, cached under ``--workdir``, keyed by its parameters) with ``--series`` recurring series:
a third weekday-daily stand-ups, a third weekly, a third fortnightly; DTSTARTs spread over the
year before the window (so rules are iterated from their start), in five zones (New York, Berlin,
Tokyo, Sydney, UTC); most rules endless, some with UNTIL or COUNT; every 4th series with two
EXDATEs, every 5th with an override that moves one instance, every 10th with a cancelled
override; 2-8 attendees each (from 200 people) with mixed PARTSTATs and an organizer.

Each round runs ``ingest([calendar], store=new, since=..., until=...)`` in a fresh interpreter
(imports not timed, peak RSS its own) for the window ``--since`` to ``--until`` (one year by
default); the table gives the median over ``--repeat`` rounds.

    .venv/bin/python benchmarks/ical_bench.py                 # 500 series, 2025, 3 rounds
    .venv/bin/python benchmarks/ical_bench.py --series 2000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", None)  # None: Z
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def generate(series: int, window_start: date, seed: int = 7) -> str:
    """The text of one VCALENDAR with `series` recurring series as the module docstring says."""
    rng = random.Random(seed)
    people = [f"person{n:03d}@example.org" for n in range(200)]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//asyncmaturity//ical bench//EN"]
    first = datetime(window_start.year - 1, window_start.month, window_start.day)
    for index in range(series):
        zone = ZONES[index % len(ZONES)]
        day = first + timedelta(days=rng.randrange(365))
        start = day.replace(
            hour=rng.choice((8, 9, 10, 11, 13, 14, 15, 16)), minute=rng.choice((0, 30))
        )
        length = timedelta(minutes=rng.choice((15, 30, 45, 60, 90)))
        kind = index % 3
        if kind == 0:
            rule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
        elif kind == 1:
            rule = f"FREQ=WEEKLY;BYDAY={WEEKDAYS[start.weekday() % 5]}"
        else:
            rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={WEEKDAYS[start.weekday() % 5]}"
        if index % 7 == 3:
            rule += f";UNTIL={window_start.year}0930T235959Z"
        elif index % 11 == 5:
            rule += ";COUNT=300"
        if start.weekday() >= 5:  # the first instance on a weekday, as calendars write them
            start += timedelta(days=7 - start.weekday())

        def when(name: str, moment: datetime, zone: str | None = zone) -> str:
            if zone is None:
                return f"{name}:{_stamp(moment)}Z"
            return f"{name};TZID={zone}:{_stamp(moment)}"

        uid = f"bench-{index:05d}@example.org"
        organizer = rng.choice(people)
        invited = rng.sample(people, rng.randint(2, 8))
        attendees = [
            f"ATTENDEE;CN=P {p};ROLE={rng.choice(('REQ-PARTICIPANT', 'OPT-PARTICIPANT'))};"
            f"PARTSTAT={rng.choice(('ACCEPTED', 'ACCEPTED', 'TENTATIVE', 'DECLINED', 'NEEDS-ACTION'))}"
            f":mailto:{p}"
            for p in invited
        ]
        description = (
            "Agenda: 1. status 2. risks 3. decisions"
            if index % 2
            else "Join: https://meet.example.org/x"
        )
        master = [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20250601T000000Z",
            f"CREATED:{_stamp(first - timedelta(days=rng.randrange(30)))}Z",
            when("DTSTART", start),
            when("DTEND", start + length),
            f"RRULE:{rule}",
            f"SUMMARY:Series {index}",
            f"DESCRIPTION:{description}",
            f"ORGANIZER;CN=Org:mailto:{organizer}",
            *attendees,
        ]
        # Instances to except and override: weeks into the window, on the series' own weekday.
        base = start
        while base.date() < window_start:
            base += timedelta(days=14 if kind == 2 else 7)
        if index % 4 == 0:
            master += [
                when("EXDATE", base + timedelta(weeks=6)),
                when("EXDATE", base + timedelta(weeks=10)),
            ]
        master.append("END:VEVENT")
        lines += master
        if index % 5 == 0:
            original = base + timedelta(weeks=4)
            moved = original + timedelta(hours=2)
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "SEQUENCE:1",
                "DTSTAMP:20250601T000000Z",
                when("RECURRENCE-ID", original),
                when("DTSTART", moved),
                when("DTEND", moved + length),
                f"SUMMARY:Series {index} (moved)",
                f"ORGANIZER;CN=Org:mailto:{organizer}",
                *attendees,
                "END:VEVENT",
            ]
        if index % 10 == 0:
            original = base + timedelta(weeks=8)
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "SEQUENCE:1",
                "DTSTAMP:20250601T000000Z",
                "STATUS:CANCELLED",
                when("RECURRENCE-ID", original),
                when("DTSTART", original),
                when("DTEND", original + length),
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


CHILD = """
import json, resource, sys, time
from datetime import date
from asyncmaturity.store.ingest import ingest
calendar, store, since, until = sys.argv[1:5]
started = time.perf_counter()
summary = ingest([calendar], store=store, since=date.fromisoformat(since),
                 until=date.fromisoformat(until))
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "events": summary.records_read,
    "instances": summary.added.get("meetings", 0),
    "attendance": summary.added.get("attendance", 0),
    "skipped": summary.skipped_total,
    "detected": summary.exports[0].detected,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_rounds(
    workdir: Path, series: int, since: date, until: date, repeat: int
) -> tuple[Path, list[dict[str, Any]]]:
    """Generate (once) the calendar and ingest it `repeat` times, each in a fresh interpreter."""
    workdir.mkdir(parents=True, exist_ok=True)
    calendar = workdir / f"bench-{series}-{since.isoformat()}.ics"
    if not calendar.exists():
        calendar.write_text(generate(series, since), encoding="utf-8")
    runs = []
    for round_ in range(repeat):
        store = workdir / f"bench-{round_}.duckdb"
        store.unlink(missing_ok=True)
        Path(str(store) + ".wal").unlink(missing_ok=True)
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(calendar),
                str(store),
                since.isoformat(),
                until.isoformat(),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        store.unlink(missing_ok=True)
    return calendar, runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--since", default="2025-01-01")
    parser.add_argument("--until", default="2025-12-31", help="inclusive date")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / "work" / "ical")
    args = parser.parse_args()
    calendar, runs = run_rounds(
        args.workdir,
        args.series,
        date.fromisoformat(args.since),
        date.fromisoformat(args.until),
        args.repeat,
    )
    median = statistics.median(r["seconds"] for r in runs)
    last = runs[-1]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    print(
        f"calendar: {calendar} ({calendar.stat().st_size / 1e6:.1f} MB), {last['events']:,} events"
    )
    print(f"window: {args.since} to {args.until} (inclusive)")
    print(f"{last['detected']}")
    print(
        "| series | events | instances | attendance rows | ingest s (median) | instances/s | peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.series:,} | {last['events']:,} | {last['instances']:,} | {last['attendance']:,} "
        f"| {median:.2f} | {last['instances'] / median:,.0f} | {max(r['peak_rss_mb'] for r in runs):.0f} |"
    )
    print("rounds (s): " + ", ".join(f"{r['seconds']:.2f}" for r in runs))


if __name__ == "__main__":
    main()

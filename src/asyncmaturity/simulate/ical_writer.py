"""Write a simulated calendar as one iCalendar file, as a calendar export holds it.

One VCALENDAR: each series once with its RRULE, then day by day the series instances that differ
from their series (cancelled, with declines, or with an agenda of their own) as overrides, and the
ad hoc meetings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import numpy as np

from asyncmaturity.simulate.arrays import group_starts
from asyncmaturity.simulate.clock import DAY_US, US
from asyncmaturity.simulate.meetings import (
    ICS_ROLE,
    PARTSTAT,
    MeetingDay,
    MeetingModel,
    meeting_uid,
)


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1; every text here is ASCII)."""
    if len(line) <= 75:
        return line + "\r\n"
    parts = [line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)]
    return "\r\n ".join(parts) + "\r\n"


def _local_stamp(local_us: int) -> str:
    return (datetime(1970, 1, 1) + timedelta(microseconds=local_us)).strftime("%Y%m%dT%H%M%S")


def _utc_stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y%m%dT%H%M%SZ")


class CalendarWriter:
    """Writes the calendar as one VCALENDAR: series first, then overrides and ad hoc meetings."""

    def __init__(self, path: Path, run_model: MeetingModel, seed: int, export_s: int) -> None:
        self.model = run_model
        self.seed = seed
        self.zone_names = run_model.org.zone_names
        self.names = run_model.org.real_names
        self.emails = run_model.org.emails
        self.stamp = _utc_stamp(export_s)
        self.events = 0
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.handle.write(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//asyncmaturity//simulate//EN\r\n"
            "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
        )
        self._write_series()

    def _invites(self, people: list[int], responses: list[int], roles: list[int]) -> list[str]:
        names, emails = self.names, self.emails
        lines = [_fold(f'ORGANIZER;CN="{names[people[0]]}":mailto:{emails[people[0]]}')]
        for person, response, role in zip(people, responses, roles, strict=True):
            lines.append(
                _fold(
                    f'ATTENDEE;CN="{names[person]}";CUTYPE=INDIVIDUAL;'
                    f"ROLE={ICS_ROLE[role]};PARTSTAT={PARTSTAT[response]};RSVP=FALSE:"
                    f"mailto:{emails[person]}"
                )
            )
        return lines

    def _event(
        self,
        uid: str,
        *,
        zone: str,
        local_us: int,
        duration_s: int,
        created_s: int,
        title: str,
        description: int,
        private: bool,
        cancelled: bool,
        invites: list[str],
        rule: str | None = None,
        override: bool = False,
        modified_s: int = -1,
    ) -> str:
        start = _local_stamp(local_us)
        lines = ["BEGIN:VEVENT\r\n", _fold(f"UID:{uid}"), f"DTSTAMP:{self.stamp}\r\n"]
        if override:
            lines.append(f"RECURRENCE-ID;TZID={zone}:{start}\r\n")
        else:
            lines.append(f"CREATED:{_utc_stamp(created_s)}\r\n")
        if modified_s >= 0:
            lines.append(f"LAST-MODIFIED:{_utc_stamp(modified_s)}\r\n")
        lines.append(f"DTSTART;TZID={zone}:{start}\r\n")
        lines.append(f"DTEND;TZID={zone}:{_local_stamp(local_us + duration_s * US)}\r\n")
        if rule is not None:
            lines.append(f"RRULE:{rule}\r\n")
        lines.append(_fold(f"SUMMARY:{_ics_escape(title)}"))
        text = self.model.texts.descriptions[description]
        lines.append(_fold(f"DESCRIPTION:{_ics_escape(text)}"))
        if private:
            lines.append("CLASS:PRIVATE\r\n")
        lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}\r\n")
        lines.append(f"SEQUENCE:{1 if override else 0}\r\n")
        lines += invites
        lines.append("END:VEVENT\r\n")
        self.events += 1
        return "".join(lines)

    def _write_series(self) -> None:
        s = self.model.series
        zones = self.model.org.person_zone
        for i in range(len(s)):
            organizer = int(s.organizer[i])
            start, end = int(s.invites.offset[i]), int(s.invites.offset[i] + s.invites.count[i])
            interval, count = int(s.interval[i]), int(s.count[i])
            if interval == 1:
                rule = f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT={count}"
            else:
                rule = f"FREQ=WEEKLY;INTERVAL={interval // 7};COUNT={count}"
            self.handle.write(
                self._event(
                    meeting_uid(self.seed, i, 0, 0),
                    zone=self.zone_names[int(zones[organizer])],
                    local_us=int(s.first_day[i]) * DAY_US + int(s.local_start_s[i]) * US,
                    duration_s=int(s.duration_s[i]),
                    created_s=int(s.created_s[i]),
                    title=str(s.title[i]),
                    description=int(s.description[i]),
                    private=bool(s.private[i]),
                    cancelled=False,
                    invites=self._invites(
                        s.invites.flat[start:end].tolist(),
                        s.response[start:end].tolist(),
                        s.role[start:end].tolist(),
                    ),
                    rule=rule,
                )
            )

    def write_day(self, day: MeetingDay) -> None:
        """Write the day's overridden series instances and its ad hoc meetings."""
        counts = day.invite_counts()
        starts = group_starts(counts)
        for i in np.flatnonzero(day.overridden | (day.series < 0)).tolist():
            start, end = int(starts[i]), int(starts[i] + counts[i])
            series = int(day.series[i])
            self.handle.write(
                self._event(
                    meeting_uid(self.seed, series, day.k, int(day.number[i])),
                    zone=self.zone_names[int(day.zone[i])],
                    local_us=int(day.local_us[i]),
                    duration_s=int((day.end_us[i] - day.start_us[i]) // US),
                    created_s=int(day.booked_s[i]),
                    title=str(day.title[i]),
                    description=int(day.description[i]),
                    private=bool(day.private[i]),
                    cancelled=bool(day.cancelled[i]),
                    invites=self._invites(
                        day.invite_person[start:end].tolist(),
                        day.invite_response[start:end].tolist(),
                        day.invite_role[start:end].tolist(),
                    ),
                    override=series >= 0,
                    modified_s=int(day.modified_s[i]),
                )
            )

    def close(self) -> None:
        """End the VCALENDAR and close the file."""
        self.handle.write("END:VCALENDAR\r\n")
        self.handle.close()

"""Write a simulated tracker as GitHub REST JSON, one array per record kind.

``issues.json``, ``pulls.json``, ``comments.json``, ``reviews.json`` and ``events.json`` in one
folder, as the GitHub source reads them; records are appended day by day as the work items of
each day are drawn.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np

from asyncmaturity.simulate.organization import Staff
from asyncmaturity.simulate.work_items import (
    CLOSED,
    COMMENT,
    LABEL_SETS,
    PULL_REQUEST,
    REPOSITORIES,
    REVIEW,
    REVIEW_STATES,
    WorkDay,
)

GITHUB_FILES = ("issues.json", "pulls.json", "comments.json", "reviews.json", "events.json")


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GitHubWriter:
    """Writes the tracker as GitHub REST JSON arrays, one file per record kind."""

    def __init__(self, folder: Path, staff: Staff) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.staff = staff
        self.files: dict[str, IO[str]] = {
            name: (folder / name).open("w", encoding="utf-8") for name in GITHUB_FILES
        }
        self.written: dict[str, int] = dict.fromkeys(GITHUB_FILES, 0)
        self.next_item_id = 5_000_000
        for handle in self.files.values():
            handle.write("[")

    def _user(self, login_index: int) -> dict[str, Any] | None:
        if login_index < 0:
            return None
        bot = login_index >= self.staff.people
        return {
            "login": self.staff.logins[login_index],
            "id": 7_000_000 + login_index,
            "type": "Bot" if bot else "User",
            "site_admin": False,
        }

    def _add(self, name: str, record: dict[str, Any]) -> None:
        handle = self.files[name]
        handle.write(("\n" if self.written[name] == 0 else ",\n") + json.dumps(record))
        self.written[name] += 1

    def write_day(self, day: WorkDay) -> None:
        """Write the day's items and all their events."""
        updated = day.created_s.copy()
        if len(day.event_item):
            np.maximum.at(updated, day.event_item, day.event_s)
        comments = np.bincount(day.event_item[day.event_kind == COMMENT], minlength=len(day))
        api = "https://api.github.com/repos"
        for i in range(len(day)):
            repo, number = REPOSITORIES[int(day.repo[i])], int(day.number[i])
            pull = int(day.kind[i]) == PULL_REQUEST
            closed, merged = int(day.closed_s[i]), int(day.merged_s[i])
            assignee = self._user(int(day.assignee[i]))
            record: dict[str, Any] = {
                "url": f"{api}/{repo}/{'pulls' if pull else 'issues'}/{number}",
                "repository_url": f"{api}/{repo}",
                "html_url": f"https://github.com/{repo}/{'pull' if pull else 'issues'}/{number}",
                "id": self.next_item_id,
                "number": number,
                "title": str(day.title[i]),
                "user": self._user(int(day.author[i])),
                "labels": [{"name": label} for label in LABEL_SETS[int(day.labels[i])]],
                "state": "closed" if closed >= 0 else "open",
                "assignee": assignee,
                "assignees": [assignee] if assignee else [],
                "comments": int(comments[i]),
                "created_at": _iso(int(day.created_s[i])),
                "updated_at": _iso(int(updated[i])),
                "closed_at": _iso(closed) if closed >= 0 else None,
                "author_association": "MEMBER",
                "body": str(day.body[i]),
            }
            self.next_item_id += 1
            if pull:
                record["merged_at"] = _iso(merged) if merged >= 0 else None
                record["draft"] = False
                record["head"] = {"ref": f"change-{number}"}
                record["base"] = {"ref": "main"}
            self._add("pulls.json" if pull else "issues.json", record)
        for e in range(len(day.event_item)):
            i = int(day.event_item[e])
            repo, number = REPOSITORIES[int(day.repo[i])], int(day.number[i])
            pull = int(day.kind[i]) == PULL_REQUEST
            kind, when = int(day.event_kind[e]), _iso(int(day.event_s[e]))
            actor = self._user(int(day.event_actor[e]))
            native = int(day.event_id[e])
            page = f"https://github.com/{repo}/{'pull' if pull else 'issues'}/{number}"
            if kind == COMMENT:
                self._add(
                    "comments.json",
                    {
                        "url": f"{api}/{repo}/issues/comments/{native}",
                        "html_url": f"{page}#issuecomment-{native}",
                        "issue_url": f"{api}/{repo}/issues/{number}",
                        "id": native,
                        "user": actor,
                        "created_at": when,
                        "updated_at": when,
                        "author_association": "MEMBER",
                        "body": str(day.event_text[e]),
                    },
                )
            elif kind == REVIEW:
                self._add(
                    "reviews.json",
                    {
                        "id": native,
                        "user": actor,
                        "body": str(day.event_text[e]),
                        "state": REVIEW_STATES[int(day.event_state[e])],
                        "html_url": f"{page}#pullrequestreview-{native}",
                        "pull_request_url": f"{api}/{repo}/pulls/{number}",
                        "submitted_at": when,
                    },
                )
            else:
                self._add(
                    "events.json",
                    {
                        "id": self.next_item_id,
                        "actor": actor,
                        "event": "closed" if kind == CLOSED else "merged",
                        "created_at": when,
                        "issue": {
                            "url": f"{api}/{repo}/issues/{number}",
                            "html_url": page,
                            "number": number,
                        },
                    },
                )
                self.next_item_id += 1

    def close(self) -> None:
        """End every array and close the files."""
        for handle in self.files.values():
            handle.write("\n]\n")
            handle.close()

"""A team's charter and where its files live on the server.

The charter is kept in the database as YAML (the same text the ledger's due times read, see
:func:`asyncmaturity.web.services.ledger.team_charter`) and, when a site admin gave the team a
`charter_path`, in that file too: the editor then reads the file (so what the CLI's
``--charter FILE`` changed shows) and every save writes both. A save writes canonical YAML:
:func:`canonical_yaml` of the validated :class:`~asyncmaturity.charter.Charter`, which
:func:`~asyncmaturity.charter.load_charter` reads back as the same charter.

The evidence store is either a DuckDB file a site admin points at (`store_path`) or one the app
keeps under its data folder (assigned at the first upload).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from asyncmaturity.charter import WEEKDAYS, Charter, load_charter
from asyncmaturity.errors import InvalidCharter
from asyncmaturity.web.errors import InvalidInput
from asyncmaturity.web.models import Team, TeamLedgerSettings, TeamWorkspace, utcnow
from asyncmaturity.web.services.ledger import MAX_CHARTER_BYTES, read_charter
from asyncmaturity.web.settings import WebSettings

DEFAULT_DATA_DIR = "asyncmaturity-web-data"
STORE_SUFFIX = ".duckdb"
CHARTER_SUFFIXES = (".yaml", ".yml")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TIME_OF_DAY = re.compile(r"^\d\d:\d\d$")


@dataclass(frozen=True)
class TeamCharter:
    """The team's charter, its YAML text and where that text came from."""

    charter: Charter
    text: str
    origin: str  # "file" (the charter_path), "database", or "defaults" (nothing saved yet)
    path: str | None


# -- paths ----------------------------------------------------------------------------------


def data_root(settings: WebSettings) -> Path:
    """The app's data folder: the setting, else beside a SQLite database, else the working folder."""
    if settings.data_dir is not None:
        return settings.data_dir.expanduser().resolve()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = Path(url.database).resolve()
        return database.with_name(f"{database.stem}-data")
    return Path(DEFAULT_DATA_DIR).resolve()


def workspace_of(db: Session, *, team: Team) -> TeamWorkspace:
    """The team's workspace row (an unsaved empty one when it has none yet)."""
    found = db.get(TeamWorkspace, team.id)
    return found if found is not None else TeamWorkspace(team_id=team.id)


def _stored_workspace(db: Session, team: Team) -> TeamWorkspace:
    found = db.get(TeamWorkspace, team.id)
    if found is None:
        found = TeamWorkspace(team_id=team.id)
        db.add(found)
    return found


def store_path(
    db: Session, *, team: Team, settings: WebSettings, assign: bool = False
) -> Path | None:
    """The team's evidence store: the file a site admin pointed at, else the app's own one.

    The app's own store is named when the first upload needs it (`assign`); before that there
    is none (None).
    """
    workspace = workspace_of(db, team=team)
    if workspace.store_path:
        return Path(workspace.store_path)
    if workspace.owned_store is None:
        if not assign:
            return None
        # A random part: a team made later under a reused id never inherits another's evidence.
        workspace = _stored_workspace(db, team)
        workspace.owned_store = f"teams/team-{team.id}-{secrets.token_hex(4)}/evidence.duckdb"
        workspace.updated_at = utcnow()
        db.flush()
    assert workspace.owned_store is not None
    return data_root(settings) / workspace.owned_store


def _server_path(value: str | None, what: str, suffixes: tuple[str, ...]) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _CONTROL.search(value) or len(value) > 1000:
        raise InvalidInput(f"{what}: not a file path")
    path = Path(value)
    if not path.is_absolute():
        raise InvalidInput(
            f"{what}: give an absolute path on the server, such as /srv/team{suffixes[0]}"
        )
    if path.suffix not in suffixes:
        raise InvalidInput(f"{what}: the file name ends in {' or '.join(suffixes)}")
    if not path.parent.is_dir():
        raise InvalidInput(f"{what}: the folder {path.parent} does not exist on the server")
    if path.is_dir():
        raise InvalidInput(f"{what}: {path} is a folder")
    return str(path)


def set_paths(
    db: Session, *, team: Team, charter_path: str | None, store_path: str | None
) -> TeamWorkspace:
    """Point the team at a charter file and an evidence store on the server (site admins); empty
    values mean none (the charter in the database only, the app's own store)."""
    workspace = _stored_workspace(db, team)
    workspace.charter_path = _server_path(charter_path, "charter_path", CHARTER_SUFFIXES)
    workspace.store_path = _server_path(store_path, "store_path", (STORE_SUFFIX,))
    workspace.updated_at = utcnow()
    db.flush()
    return workspace


# -- the charter ----------------------------------------------------------------------------


def stored_text(db: Session, *, team: Team) -> tuple[str, str, str | None]:
    """The team's charter text unparsed, where it came from ("file", "database" or "defaults"),
    and the team's charter file (None when it has none)."""
    path = workspace_of(db, team=team).charter_path
    if path is not None and Path(path).is_file():
        try:
            return Path(path).read_text(encoding="utf-8"), "file", path
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidCharter(f"{path}: cannot read: {exc}") from None
    settings = db.get(TeamLedgerSettings, team.id)
    text = settings.charter if settings is not None else ""
    return text, "database" if text.strip() else "defaults", path


def team_charter(db: Session, *, team: Team) -> TeamCharter:
    """The team's charter: the file when it has one that exists, else the database's YAML.

    Raises :class:`~asyncmaturity.errors.InvalidCharter` naming the file (or "charter") and the
    field when the text is not a valid charter.
    """
    text, origin, path = stored_text(db, team=team)
    charter = load_charter(path) if origin == "file" else read_charter(text)
    return TeamCharter(charter=charter, text=text, origin=origin, path=path)


def charter_from_yaml(text: str) -> Charter:
    """The charter a YAML text describes (empty: the defaults); InvalidCharter naming the field."""
    if len(text.encode()) > MAX_CHARTER_BYTES:
        raise InvalidInput(f"the charter is longer than {MAX_CHARTER_BYTES // 1024} KiB")
    return read_charter(text)


def _tidy(value: Any) -> Any:
    """Nested entries without their unset (None) and empty fields; whole numbers as integers."""
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _CharterDumper(yaml.SafeDumper):
    """Safe YAML with times of day quoted alike ('09:00' and '17:00', which YAML 1.1 reads
    differently unquoted) and weekday lists on one line."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if _TIME_OF_DAY.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    days = bool(value) and all(item in WEEKDAYS for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=days)


_CharterDumper.add_representer(str, _text)
_CharterDumper.add_representer(list, _list)


def canonical_yaml(charter: Charter, *, team: Team | None = None) -> str:
    """The charter as the YAML file the CLI reads: every field, in the model's order."""
    fields = charter.model_dump(mode="python")
    document = {
        name: _tidy(value) if isinstance(value, list | dict) else value
        for name, value in fields.items()
    }
    header = (
        f"# Team charter{f' of {team.name}' if team is not None else ''}, written by the "
        "asyncmaturity web app.\n# `asyncmaturity measure --charter FILE` reads it; "
        "docs/charter.md describes every field.\n"
    )
    body = yaml.dump(
        document,
        Dumper=_CharterDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return header + body


def _write_atomically(path: Path, text: str) -> None:
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write the charter file {path}: {exc.strerror}") from None


def save_charter(db: Session, *, team: Team, charter: Charter) -> TeamCharter:
    """Store the charter as canonical YAML in the database and, when the team has one, its file."""
    text = canonical_yaml(charter, team=team)
    path = workspace_of(db, team=team).charter_path
    if path is not None:
        _write_atomically(Path(path), text)
    found = db.get(TeamLedgerSettings, team.id)
    if found is None:
        found = TeamLedgerSettings(team_id=team.id, webhook_urls=[], escalation_emails=[])
        db.add(found)
    found.charter = text
    found.updated_at = utcnow()
    db.flush()
    return TeamCharter(charter=charter, text=text, origin="file" if path else "database", path=path)

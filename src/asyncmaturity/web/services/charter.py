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
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from asyncmaturity.charter import WEEKDAYS, Charter, load_charter
from asyncmaturity.errors import InvalidCharter
from asyncmaturity.web.errors import ForeignFile, InvalidInput
from asyncmaturity.web.models import (
    AppCreatedFile,
    Team,
    TeamLedgerSettings,
    TeamWorkspace,
    utcnow,
)
from asyncmaturity.web.services.ledger import MAX_CHARTER_BYTES, read_charter
from asyncmaturity.web.settings import WebSettings

DEFAULT_DATA_DIR = "asyncmaturity-web-data"
STORE_SUFFIX = ".duckdb"
CHARTER_SUFFIXES = (".yaml", ".yml")
DUCKDB_MAGIC = b"DUCK"
"""What a DuckDB database file holds at bytes 8 to 12."""
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
    is none (None). Before anything is written into a pointed store (`assign`), it is checked
    again: still inside the data folder, by the same path, and absent or a DuckDB store.
    """
    workspace = workspace_of(db, team=team)
    if workspace.store_path:
        pointed = Path(workspace.store_path)
        if assign:
            _check_store(pointed, _confined(pointed, "store_path", data_root(settings)))
        return pointed
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


def created_by_app(db: Session, *, team: Team, path: Path) -> bool:
    """Whether the app created the file at `path` (resolved) for `team`."""
    found = db.scalar(select(AppCreatedFile).where(AppCreatedFile.path == str(path)))
    return found is not None and found.team_id == team.id


def _confined(path: Path, what: str, root: Path) -> Path:
    """`path` resolved (links followed), if that is inside the data folder `root` but outside
    the app's own folders; InvalidInput if not."""
    resolved, root = path.resolve(), root.resolve()
    if not resolved.is_relative_to(root):
        raise InvalidInput(
            f"{what}: {path} is outside the data folder {root} (links followed); files on the "
            "server live in the data folder (ASYNCMATURITY_WEB_DATA_DIR)"
        )
    if resolved.relative_to(root).parts[:1] in (("teams",), ("uploads",)):
        raise InvalidInput(f"{what}: {path} is in a folder the app keeps for itself")
    return resolved


def _check_store(path: Path, resolved: Path) -> None:
    """An existing store must be a DuckDB database at its own path: the app adds evidence to a
    store, never writes into any other file."""
    if resolved != path:
        raise ForeignFile(f"store_path: {path} now leads elsewhere; point the team at it again")
    if not resolved.exists():
        return
    header = b""
    if resolved.is_file():
        with resolved.open("rb") as handle:
            header = handle.read(len(DUCKDB_MAGIC) + 8)
    if header[8:] != DUCKDB_MAGIC:
        raise ForeignFile(f"store_path: {path} is not a DuckDB store; the app writes into none")


def _server_path(
    value: str | None, what: str, suffixes: tuple[str, ...], root: Path
) -> Path | None:
    """The file a site admin names, resolved and confined to the data folder (a relative path
    is taken inside it); InvalidInput naming what is wrong, never what the file holds."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _CONTROL.search(value) or len(value) > 1000:
        raise InvalidInput(f"{what}: not a file path")
    path = Path(value) if Path(value).is_absolute() else root / value
    if path.suffix not in suffixes:
        raise InvalidInput(f"{what}: the file name ends in {' or '.join(suffixes)}")
    resolved = _confined(path, what, root)
    if not resolved.parent.is_dir():
        raise InvalidInput(f"{what}: the folder {resolved.parent} does not exist on the server")
    if resolved.is_dir():
        raise InvalidInput(f"{what}: {resolved} is a folder")
    return resolved


def set_paths(
    db: Session,
    *,
    team: Team,
    charter_path: str | None,
    store_path: str | None,
    settings: WebSettings,
) -> TeamWorkspace:
    """Point the team at a charter file and an evidence store in the data folder (site admins);
    empty values mean none (the charter in the database only, the app's own store).

    The charter file must be new (the next save creates it) or one the app created for the
    team; an existing store must be a DuckDB store. ForeignFile if not.
    """
    root = data_root(settings)
    charter_file = _server_path(charter_path, "charter_path", CHARTER_SUFFIXES, root)
    if (
        charter_file is not None
        and charter_file.exists()
        and not created_by_app(db, team=team, path=charter_file)
    ):
        raise ForeignFile(
            f"charter_path: {charter_file} exists and the app did not create it; the app never "
            "overwrites or reads such a file: name a new file (the next save creates it)"
        )
    store_file = _server_path(store_path, "store_path", (STORE_SUFFIX,), root)
    if store_file is not None:
        _check_store(store_file, store_file)
    workspace = _stored_workspace(db, team)
    workspace.charter_path = str(charter_file) if charter_file is not None else None
    workspace.store_path = str(store_file) if store_file is not None else None
    workspace.updated_at = utcnow()
    db.flush()
    return workspace


def _own_file(db: Session, team: Team, path: Path) -> bool:
    """Whether `path` holds a file the app created for the team; False when nothing is there.
    ForeignFile when the path leads elsewhere now (a link put in its way) or to another file."""
    if path.resolve() != path:
        raise ForeignFile(
            f"the team's charter file {path} now leads elsewhere (a link?); the app neither "
            "reads nor writes it: a site admin can point the team at the file again"
        )
    if not path.exists():
        return False
    if not created_by_app(db, team=team, path=path):
        raise ForeignFile(
            f"the team's charter file {path} was not created by the app, so the app neither "
            "reads nor overwrites it; a site admin can point the team at a new file"
        )
    return True


# -- the charter ----------------------------------------------------------------------------


def stored_text(db: Session, *, team: Team) -> tuple[str, str, str | None]:
    """The team's charter text unparsed, where it came from ("file", "database" or "defaults"),
    and the team's charter file (None when it has none)."""
    path = workspace_of(db, team=team).charter_path
    if path is not None and _own_file(db, team, Path(path)):
        try:
            return Path(path).read_text(encoding="utf-8"), "file", path
        except OSError as exc:
            raise InvalidCharter(f"{path}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InvalidCharter(f"{path}: cannot read: not UTF-8 text") from None
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


def _write_file(db: Session, team: Team, path: Path, text: str) -> None:
    """Write `text` to the team's charter file: replace it atomically when the app created it,
    else create it (never over a file that appeared meanwhile) and record it as the app's."""
    existing = _own_file(db, team, path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if existing:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # fails if anything is there by now
            finally:
                os.unlink(temporary)
    except FileExistsError:
        raise ForeignFile(
            f"{path} appeared while the charter was saved; the app does not overwrite it"
        ) from None
    except OSError as exc:
        raise InvalidInput(f"cannot write the charter file {path}: {exc.strerror}") from None
    if not existing and not created_by_app(db, team=team, path=path):
        db.add(AppCreatedFile(team_id=team.id, path=str(path)))


def save_charter(db: Session, *, team: Team, charter: Charter) -> TeamCharter:
    """Store the charter as canonical YAML in the database and, when the team has one, its file."""
    text = canonical_yaml(charter, team=team)
    path = workspace_of(db, team=team).charter_path
    if path is not None:
        _write_file(db, team, Path(path), text)
    found = db.get(TeamLedgerSettings, team.id)
    if found is None:
        found = TeamLedgerSettings(team_id=team.id, webhook_urls=[], escalation_emails=[])
        db.add(found)
    found.charter = text
    found.updated_at = utcnow()
    db.flush()
    return TeamCharter(charter=charter, text=text, origin="file" if path else "database", path=path)

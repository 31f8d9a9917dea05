"""The web app's settings: one declarative model read from the environment and the command line.

Every field is a setting; its description is its help text, and ``ASYNCMATURITY_WEB_<NAME>`` sets it
from the environment (``ASYNCMATURITY_WEB_DATABASE_URL=postgresql+psycopg://...``). Settings are
built by whoever starts the app (the CLI, a test) and handed to :func:`create_app`; nothing here
runs at import time.

Example::

    settings = WebSettings.from_env(database_url="team.db")   # a path means a SQLite file
    app = create_app(settings)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from asyncmaturity.errors import AsyncMaturityError

ENV_PREFIX = "ASYNCMATURITY_WEB_"
DEFAULT_DATABASE = "asyncmaturity-web.db"
# Values people paste from tutorials; a deployment that keeps one has no secret at all.
_PLACEHOLDER_SECRETS = frozenset(
    {"changethis", "changeme", "secret", "secret-key", "your-secret-key"}
)

_ALLOWED_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(:[0-9]{1,5})?$")


class InvalidWebSettings(AsyncMaturityError):
    """A web setting from the environment or the command line has an invalid value."""


class WebSettings(BaseModel):
    """Everything `asyncmaturity serve` can be told; the defaults run on a fresh machine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str = Field(
        f"sqlite:///{DEFAULT_DATABASE}",
        description="SQLAlchemy URL (sqlite:///FILE or postgresql+psycopg://USER@HOST/DB), or a "
        "file path, which means a SQLite database there.",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="Key of the respondent hashes (at least 32 characters). When unset, one is "
        "generated on first start and kept in the database; keep it stable, since changing it "
        "detaches saved survey answers from the people who saved them.",
    )
    cookie_secure: bool | None = Field(
        None,
        description="The Secure flag of cookies: true, false, or auto (unset): set whenever the "
        "request came over HTTPS, so http://localhost works and a TLS deployment is protected.",
    )
    max_upload_bytes: int = Field(
        20 * 1024 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    session_hours: int = Field(336, ge=1, description="How long a login lasts, in hours.")
    invite_hours: int = Field(168, ge=1, description="How long an invitation link works, in hours.")
    password_time_cost: int = Field(
        3, ge=1, description="Argon2id passes per password hash (RFC 9106 low-memory profile: 3)."
    )
    password_memory_kib: int = Field(
        65536, ge=64, description="Argon2id memory per password hash, KiB (64 MiB by default)."
    )
    login_account_free_failures: int = Field(
        5,
        ge=1,
        description="Failed logins of one account (known or not) allowed before each further one "
        "makes the next attempt wait (1 s, then doubling).",
    )
    login_account_lockout_failures: int = Field(
        10,
        ge=2,
        description="Failed logins of one account that lock it for login_lockout_minutes.",
    )
    login_address_free_failures: int = Field(
        10,
        ge=1,
        description="Failed logins from one client address (IPv6: its /64) allowed before delays "
        "begin, whatever the accounts tried.",
    )
    login_address_lockout_failures: int = Field(
        30,
        ge=2,
        description="Failed logins from one client address that lock it for login_lockout_minutes.",
    )
    login_lockout_minutes: int = Field(
        15,
        ge=1,
        le=1440,
        description="How long a lockout lasts; also the longest delay. Attempts during it are "
        "refused (429) before any password is checked.",
    )
    login_failure_window_minutes: int = Field(
        60,
        ge=1,
        description="Failed logins are forgotten once none followed for this long (a successful "
        "login forgets the account's at once).",
    )
    public_url: str | None = Field(
        None,
        description="The address people open the app at (https://async.example.com), for the links "
        "in escalation webhooks and e-mails; unset, they carry the path alone.",
    )
    escalation_interval_s: int = Field(
        60,
        ge=0,
        description="Seconds between two runs of the escalation of overdue ledger requests while "
        "the server runs; 0 turns the background run off.",
    )
    webhook_timeout_s: float = Field(
        5.0,
        gt=0,
        le=60,
        description="Time limit of one escalation webhook POST (and of the SMTP connection), "
        "in seconds.",
    )
    webhook_allowed_hosts: tuple[str, ...] = Field(
        (),
        description="Hosts escalation webhooks may reach even at a loopback, private or other "
        "non-public address (an internal chat server), comma-separated: exact names or "
        "addresses, or host:port; unset, webhooks go to public addresses only.",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server of escalation e-mails; unset, no e-mail is sent."
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_from: str = Field(
        "asyncmaturity@localhost", description="Sender address of escalation e-mails."
    )
    smtp_username: str | None = Field(None, description="SMTP login name, when it needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password, with the login.")
    smtp_starttls: bool = Field(
        False, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )
    data_dir: Path | None = Field(
        None,
        description="Folder of the evidence stores the app keeps for teams (uploads are ingested "
        "into them) and of uploads while they are ingested; unset: a folder named after the "
        "SQLite database beside it (asyncmaturity-web-data), or asyncmaturity-web-data in the "
        "working folder with PostgreSQL.",
    )
    job_workers: int = Field(
        2,
        ge=1,
        le=16,
        description="Background threads that ingest uploads and run assessments (one team's jobs "
        "run one after another).",
    )

    @field_validator("database_url")
    @classmethod
    def _path_means_sqlite(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("cannot be empty")
        if "://" in value:
            return value
        return f"sqlite:///{Path(value).expanduser().resolve()}"

    @field_validator("secret_key", "smtp_password", mode="before")
    @classmethod
    def _blank_secret(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("secret_key")
    @classmethod
    def _real_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        if text.lower() in _PLACEHOLDER_SECRETS or len(text) < 32:
            raise ValueError(
                "use at least 32 random characters (python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'), or leave it unset to have one generated"
            )
        return value

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _host_list(cls, value: Any) -> Any:
        entries = value.split(",") if isinstance(value, str) else value
        if not isinstance(entries, list | tuple):
            return value
        hosts = []
        for entry in entries:
            host = str(entry).strip().lower()
            if not host:
                continue
            found = _ALLOWED_HOST.match(host)
            if found is None:
                raise ValueError(
                    f"{host!r}: give host names or addresses, or host:port, comma-separated "
                    "([::1]:8080 for IPv6), without scheme, path or wildcard"
                )
            name, port = found.groups()
            hosts.append(name.rstrip(".") + (port or ""))
        return tuple(hosts)

    @field_validator("public_url", "smtp_host", "smtp_username", mode="before")
    @classmethod
    def _blank_text(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("give the address as http(s)://host[:port][/path]")
        return None if value is None else value.rstrip("/")

    @field_validator("cookie_secure", mode="before")
    @classmethod
    def _auto(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip().lower() in ("", "auto") else value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> WebSettings:
        """Settings from ``ASYNCMATURITY_WEB_*`` variables, then `overrides` that are not None.

        Raises :class:`InvalidWebSettings` naming the setting and where it came from.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            if key in environ:
                values[name], origin[name] = environ[key], key
        for name, value in overrides.items():
            if value is not None:
                values[name], origin[name] = value, name.replace("_", "-")
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else ""
            message = first["msg"].removeprefix("Value error, ")
            raise InvalidWebSettings(f"setting {origin.get(name, name)}: {message}") from None

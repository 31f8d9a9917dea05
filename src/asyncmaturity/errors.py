"""Domain exceptions: each is named after the condition; the CLI turns them into one `Error:` line."""

from __future__ import annotations


class AsyncMaturityError(Exception):
    """Base of every error the user can fix; its message is one line that says what and where."""


class UnknownFormat(AsyncMaturityError):
    """The export's type could not be detected, or the named format is not registered."""


class InvalidSource(AsyncMaturityError):
    """A registered source cannot be used: its entry point fails to load or clashes with another."""


class InvalidExport(AsyncMaturityError):
    """An export file or record cannot be read (malformed JSON, missing field, not this format)."""


class UnsafeArchive(AsyncMaturityError):
    """An archive is truncated, escapes its folder, or expands beyond the allowed size or ratio."""


class UnknownTimeZone(AsyncMaturityError):
    """A time-zone name is not in the IANA database."""


class InvalidCharter(AsyncMaturityError):
    """The team charter file is missing, not YAML, or has a field with an invalid value.

    Args:
        message: the one line the user reads (where, which field, what is wrong).
        field: the charter field at fault (its top-level name), when one is.
        line: the one-based line of the text it came from, when known.
        detail: what is wrong with the field, without the file, line and field name.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.detail = detail or message


class RejectedRecords(AsyncMaturityError):
    """Records were skipped and `--strict` asks for that to be fatal."""


class EveryRecordSkipped(InvalidExport):
    """Every record of an export was skipped: nothing of it could be read (often the wrong format)."""


class StoreError(AsyncMaturityError):
    """The evidence store cannot be opened, or is not an asyncmaturity store."""


class InvalidMemoryLimit(AsyncMaturityError):
    """A memory limit is not a size DuckDB reads, such as 512MB or 2GB."""


class InvalidFramework(AsyncMaturityError):
    """A framework file is not valid YAML or breaks the framework schema."""


class UnknownFramework(AsyncMaturityError):
    """No shipped framework has that name and no file has that path."""


class InvalidAssessment(AsyncMaturityError):
    """An assessment JSON file cannot be read or is not an assessment."""


class NoEvidence(AsyncMaturityError):
    """Neither a store nor survey responses were given, so there is nothing to assess."""


class InvalidSurvey(AsyncMaturityError):
    """A survey definition is missing, not YAML, has an invalid field, or clashes when merged."""


class InvalidResponses(AsyncMaturityError):
    """A survey responses file cannot be read, has the wrong shape, or (strict) an unreadable answer."""


class InvalidPilotPeriods(AsyncMaturityError):
    """A pilot's baseline and pilot periods cannot be compared: reversed, overlapping, too short,
    without evidence, or with too few of the same people in both."""

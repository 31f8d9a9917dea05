"""Safe reading of zip archives: no path traversal, no links, bounded decompression."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from asyncmaturity.sources.reading import (
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_CHECK_FLOOR,
    ZIP_READ_ERRORS,
    check_zip,
    member_path,
    open_zip,
    oversized_member,
    zip_read_error,
)

__all__ = [
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_CHECK_FLOOR",
    "extracted",
    "zip_member_heads",
    "zip_names",
]

_CHUNK = 1 << 20


def zip_names(archive: Path, limit: int = 100_000) -> list[str] | None:
    """The first `limit` member names of a zip archive; None when it cannot be read as one."""
    try:
        with zipfile.ZipFile(archive) as zf:
            return zf.namelist()[:limit]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def zip_member_heads(
    archive: Path,
    suffix: str,
    *,
    limit: int,
    peek_bytes: int,
    left_out: Callable[[PurePosixPath], bool] = lambda _: False,
) -> Iterator[bytes]:
    """The first `peek_bytes` of the archive's first `limit` members named `*suffix`, by name.

    For detection: the archive is held to :func:`~asyncmaturity.sources.reading.check_zip`
    before any member is opened (UnsafeArchive when it fails, or is no zip); members that
    `left_out` names (media folders), hidden ones and __MACOSX are passed over.
    """
    with open_zip(archive) as zf:
        members = sorted(
            (
                info
                for info in zf.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith(suffix)
                and not left_out(PurePosixPath(info.filename))
                and not any(
                    part.startswith(("__MACOSX", "."))
                    for part in PurePosixPath(info.filename).parts
                )
            ),
            key=lambda info: info.filename,
        )
        for info in members[:limit]:
            try:
                with zf.open(info) as fh:
                    head = fh.read(peek_bytes)
            except ZIP_READ_ERRORS as exc:
                raise zip_read_error(archive, exc) from None
            yield head


@contextmanager
def extracted(archive: Path, *, max_total_bytes: int = MAX_TOTAL_BYTES) -> Iterator[Path]:
    """Extract `archive` into a temporary folder that is removed afterwards, and yield it.

    Raises :class:`UnsafeArchive` for a truncated archive, a member that escapes the folder or is a
    link, or one that expands beyond :data:`MAX_RATIO` or past `max_total_bytes` in all (the one
    check every source makes: :func:`~asyncmaturity.sources.reading.check_zip`).
    """
    workdir = Path(tempfile.mkdtemp(prefix="asyncmaturity-"))
    try:
        with open_zip(archive) as zf:
            check_zip(zf, archive, max_total_bytes=max_total_bytes)
            try:
                _extract_all(zf, archive, workdir, max_total_bytes)
            except ZIP_READ_ERRORS as exc:
                raise zip_read_error(archive, exc) from None
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _extract_all(zf: zipfile.ZipFile, archive: Path, workdir: Path, max_total: int) -> None:
    total = 0
    for info in zf.infolist():
        member = member_path(info.filename, archive)
        if info.is_dir():
            continue
        target = workdir.joinpath(*member.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with zf.open(info) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                total += len(chunk)
                # Declared sizes can lie; count what actually comes out.
                if written > info.file_size or total > max_total:
                    raise oversized_member(archive, info.filename)
                dst.write(chunk)

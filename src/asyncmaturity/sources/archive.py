"""Safe reading of zip archives: no path traversal, no links, bounded decompression."""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from asyncmaturity.errors import UnsafeArchive

# Slack exports are JSON, which compresses about 5-30x; a member far beyond that is a bomb.
MAX_RATIO = 200
RATIO_CHECK_FLOOR = 1 << 20  # small members may legitimately compress extremely well
MAX_TOTAL_BYTES = 64 << 30
_CHUNK = 1 << 20


def zip_names(archive: Path, limit: int = 100_000) -> list[str] | None:
    """The first `limit` member names of a zip archive; None when it cannot be read as one."""
    try:
        with zipfile.ZipFile(archive) as zf:
            return zf.namelist()[:limit]
    except (zipfile.BadZipFile, OSError):
        return None


def _safe_member_path(name: str, archive: Path) -> PurePosixPath:
    member = PurePosixPath(name.replace("\\", "/"))
    if member.is_absolute() or ".." in member.parts or (member.parts and ":" in member.parts[0]):
        raise UnsafeArchive(f"{archive}: member {name!r} points outside the archive; refusing it")
    return member


@contextmanager
def extracted(archive: Path, *, max_total_bytes: int = MAX_TOTAL_BYTES) -> Iterator[Path]:
    """Extract `archive` into a temporary folder that is removed afterwards, and yield it.

    Raises :class:`UnsafeArchive` for a truncated archive, a member that escapes the folder or is a
    link, or one that expands beyond :data:`MAX_RATIO` or past `max_total_bytes` in all.
    """
    workdir = Path(tempfile.mkdtemp(prefix="asyncmaturity-"))
    try:
        try:
            with zipfile.ZipFile(archive) as zf:
                _extract_all(zf, archive, workdir, max_total_bytes)
        except zipfile.BadZipFile as exc:
            raise UnsafeArchive(f"{archive}: truncated or not a zip archive ({exc})") from None
        except (EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
            raise UnsafeArchive(f"{archive}: cannot be read as a zip archive ({exc})") from None
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _extract_all(zf: zipfile.ZipFile, archive: Path, workdir: Path, max_total: int) -> None:
    total = 0
    for info in zf.infolist():
        member = _safe_member_path(info.filename, archive)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UnsafeArchive(
                f"{archive}: member {info.filename!r} is a symbolic link; refusing it"
            )
        if info.is_dir():
            continue
        if info.file_size > RATIO_CHECK_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise UnsafeArchive(
                f"{archive}: member {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}x"
                f" (limit {MAX_RATIO}x); refusing a possible zip bomb"
            )
        target = workdir.joinpath(*member.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with zf.open(info) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                total += len(chunk)
                # Declared sizes can lie; count what actually comes out.
                if written > info.file_size or total > max_total:
                    raise UnsafeArchive(
                        f"{archive}: member {info.filename!r} expands beyond its declared or allowed"
                        " size; refusing a possible zip bomb"
                    )
                dst.write(chunk)

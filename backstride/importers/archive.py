"""Safe reading of zip archives and gzip files: bounded sizes, no path escapes, no bombs.

Nothing is ever extracted to disk. Members of nested zips (Garmin's UploadedFiles parts) are read
through the outer member as a stream; `ArchiveReader` keeps the last archives open so reading the
members of one nested zip in order decompresses it front to back instead of once per member.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from backstride.errors import FileRefused, ImportFailed
from backstride.importers.model import (
    MAX_EXPANSION_RATIO,
    MAX_FILE_BYTES,
    RATIO_CHECK_FROM_BYTES,
)

_DRIVE = re.compile(r"^[A-Za-z]:")

#: What reading a zip member (or a file) raises when its bytes cannot be read: damaged or cut
#: off, a failed CRC check, a compression method zipfile does not read (Deflate64).
UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def escape_problem(name: str) -> str | None:
    """Why a member name would land outside the archive if extracted, or None if it is safe."""
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
        return f"the archive entry '{name}' points outside the archive; refused"
    return None


def size_problem(info: zipfile.ZipInfo, limit: int = MAX_FILE_BYTES) -> str | None:
    """Why a member is refused for its size or expansion ratio, or None if it is acceptable."""
    if info.file_size > limit:
        return f"{_megabytes(info.file_size)} is over the {_megabytes(limit)} limit; refused"
    if info.file_size > RATIO_CHECK_FROM_BYTES and (
        info.file_size > MAX_EXPANSION_RATIO * max(info.compress_size, 1)
    ):
        return (
            f"it expands {info.file_size // max(info.compress_size, 1):,} times "
            f"({_megabytes(info.compress_size)} to {_megabytes(info.file_size)}), "
            "like a zip bomb; refused"
        )
    return None


def archive_problem(infos: list[zipfile.ZipInfo], stored_size: int) -> str | None:
    """Why a whole archive is refused (it would expand past a sane ratio), or None."""
    expanded = sum(info.file_size for info in infos)
    if expanded > RATIO_CHECK_FROM_BYTES and expanded > MAX_EXPANSION_RATIO * max(stored_size, 1):
        return (
            f"the archive would expand from {_megabytes(stored_size)} to "
            f"{_megabytes(expanded)}, like a zip bomb; refused"
        )
    return None


def read_limited(stream: IO[bytes], limit: int, what: str) -> bytes:
    """Read at most `limit` bytes; refuse the file when there is more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(f"{what} is over the {_megabytes(limit)} limit; refused")
    return data


def gunzip(data: bytes) -> bytes:
    """Decompress gzip data, refusing bombs (a bounded size and expansion ratio)."""
    limit = min(MAX_FILE_BYTES, max(RATIO_CHECK_FROM_BYTES, MAX_EXPANSION_RATIO * len(data)))
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFailed(f"the gzip data is damaged or cut off ({exc})") from exc
    if len(out) > limit:
        raise FileRefused(
            f"the gzip data expands past {_megabytes(limit)} from {_megabytes(len(data))}, "
            "like a gzip bomb; refused"
        )
    return out


def open_zip(source: Path | IO[bytes], name: str) -> zipfile.ZipFile:
    """Open a zip archive; a damaged one raises `ImportFailed`."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise ImportFailed(f"{name} is not a readable zip archive ({exc})") from exc


def members_in_order(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The file members of an archive in the order their bytes are stored."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    return sorted(infos, key=lambda info: info.header_offset)


class ArchiveReader:
    """Opens archive members, keeping the last outer and nested archive open between calls."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._outer: tuple[Path, zipfile.ZipFile] | None = None
        self._inner: tuple[Path, str, zipfile.ZipFile, IO[bytes]] | None = None

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every archive this reader opened."""
        self._close_inner()
        self._stack.close()
        self._stack = ExitStack()
        self._outer = self._inner = None

    def outer(self, path: Path) -> zipfile.ZipFile:
        """The archive on disk at `path`."""
        if self._outer is None or self._outer[0] != path:
            self.close()
            self._outer = (path, self._stack.enter_context(open_zip(path, path.name)))
        return self._outer[1]

    def inner(self, path: Path, member: str) -> zipfile.ZipFile:
        """The zip stored as `member` of the archive at `path`, read as a stream."""
        if self._inner is None or self._inner[:2] != (path, member):
            outer = self.outer(path)
            self._close_inner()
            stream = outer.open(member)
            try:
                self._inner = (path, member, open_zip(stream, member), stream)
            except ImportFailed:
                stream.close()
                raise
        return self._inner[2]

    def _close_inner(self) -> None:
        if self._inner is not None:
            self._inner[2].close()
            self._inner[3].close()
            self._inner = None

    def read(self, path: Path, members: tuple[str, ...], limit: int = MAX_FILE_BYTES) -> bytes:
        """The bytes of a member (`members` names it, then the member of a nested zip).

        Raises `ImportFailed` when the archive or the member cannot be read (it may have changed
        since it was scanned).
        """
        try:
            archive = self.outer(path) if len(members) == 1 else self.inner(path, members[0])
            with archive.open(members[-1]) as stream:
                return read_limited(stream, limit, "the file")
        except (KeyError, *UNREADABLE) as exc:
            raise ImportFailed(f"the archive entry could not be read ({exc})") from exc

    @contextmanager
    def open(self, path: Path, members: tuple[str, ...]) -> Iterator[IO[bytes]]:
        """An open stream on a member, for index files that are parsed as they stream."""
        archive = self.outer(path) if len(members) == 1 else self.inner(path, members[0])
        with archive.open(members[-1]) as stream:
            yield stream

"""Resumable uploads: a large file (an export of many years) written to disk as it arrives.

The storage side of the tus 1.0 protocol (tus.io), which the web app speaks: an upload is
created with its length and name, then its bytes arrive in one or more appends, each starting
where the file on disk ends, so an upload cut off by a lost connection, a closed laptop or a
web process that was stopped carries on where it stopped, on any web process that sees the same
upload folder. Nothing is held in memory beyond one write buffer, and every byte is written
once: when the upload is complete its file is imported in place (`import_resumable`) or moved,
not copied, into the upload queue (`queue_resumable`).

```python
folder = UploadFolder.of(settings)
upload = folder.create(runner_id, "export_2024.zip", length=2_000_000_000)
receiver = folder.receiver(runner_id, upload.id, offset=0)       # one append
receiver.write_chunk(chunk)                                      # ... as chunks arrive
receiver.close()                                                 # on disk, upload let go
folder.find(runner_id, upload.id).offset                         # where the next one starts
queue_resumable(settings, folder, runner_id, upload.id)          # once whole (team mode)
```

An upload lives in the `incoming` folder of the upload folder as two files: its bytes
(`<id>.part`) and a small JSON record of whose it is, its name and its length (`<id>.json`).
The offset is the size of the bytes file, so there is no second record to keep in step with
it. One append at a time holds a lock on the bytes file (`flock`; on NFS the client maps it to
a lock the server keeps, released when a machine holding it is lost). An upload that has not
grown for `KEEP_UNFINISHED_SECONDS` is removed.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from backstride.clock import utc_now
from backstride.errors import BackstrideError, FileRefused, InputInvalid, StoreError
from backstride.services.importing import ImportSummary
from backstride.services.record import Record
from backstride.services.upload_queue import (
    UPLOAD_QUEUE,
    UploadJob,
    import_spooled,
    queue_spooled,
    spool_folder,
)
from backstride.settings import Settings

__all__ = [
    "KEEP_UNFINISHED_SECONDS",
    "MAX_EXPORT_BYTES",
    "Receiver",
    "ResumableUpload",
    "UploadBusy",
    "UploadFolder",
    "UploadIncomplete",
    "UploadNotFound",
    "UploadOffsetMismatch",
    "UploadOverLimit",
    "import_resumable",
    "queue_resumable",
]

#: The largest file one resumable upload may be: a whole Strava or Garmin export.
MAX_EXPORT_BYTES = 4 * 1024 * 1024 * 1024
#: An upload that has not grown for this long is given up and removed (a day).
KEEP_UNFINISHED_SECONDS = 24 * 60 * 60
#: Space left free on the upload folder's disk after any upload has arrived whole.
FREE_SPACE_MARGIN_BYTES = 512 * 1024 * 1024
#: Received bytes gathered before each write: few system calls, little memory per upload.
WRITE_BUFFER_BYTES = 1024 * 1024
#: The folder, inside the upload folder, where uploads wait until they are whole.
INCOMING_FOLDER_NAME = "incoming"
#: What an upload may be: activity files (optionally gzipped) and export zips.
SUFFIXES = (".fit.gz", ".gpx.gz", ".tcx.gz", ".fit", ".gpx", ".tcx", ".zip")

_ID = re.compile(r"^[0-9a-f]{32}$")


class UploadNotFound(BackstrideError):
    """No such upload for this runner: never created, someone else's, finished or given up."""


class UploadOverLimit(FileRefused):
    """The upload is larger than the limit, or than the disk can take; nothing is kept."""


class UploadOffsetMismatch(InputInvalid):
    """An append did not start where the upload's bytes end (the client must ask again)."""


class UploadBusy(BackstrideError):
    """Another request is appending to the same upload right now."""


class UploadIncomplete(InputInvalid):
    """The upload is not whole yet, so it cannot be imported."""


@dataclass(frozen=True, slots=True)
class ResumableUpload:
    """One upload: whose it is, the name to show, its length, and how much has arrived."""

    id: str
    runner_id: int
    file: str
    length: int
    offset: int
    created_at: datetime
    #: When the upload is given up unless it grows before (`KEEP_UNFINISHED_SECONDS` after its
    #: last append).
    expires_at: datetime
    path: Path

    @property
    def is_complete(self) -> bool:
        return self.offset == self.length

    @property
    def suffix(self) -> str:
        """The file's kind as its name says it (`.zip`, `.fit.gz`, ...)."""
        return _suffix(self.file)


class UploadFolder:
    """The uploads that are arriving, in `<upload folder>/incoming`."""

    def __init__(self, spool: Path) -> None:
        self.spool = spool
        self.incoming = spool / INCOMING_FOLDER_NAME

    @classmethod
    def of(cls, settings: Settings) -> UploadFolder:
        """The upload folder the settings name (the queue's spool folder, shared by every web
        process and worker), with its `incoming` folder created."""
        folder = cls(spool_folder(settings))
        _private_folder(folder.incoming)
        return folder

    def create(
        self, runner_id: int, file: str, *, length: int, max_bytes: int = MAX_EXPORT_BYTES
    ) -> ResumableUpload:
        """A new, empty upload of `length` bytes named `file` (already cleaned for showing).

        Refused before anything is written: a name Backstride does not import (InputInvalid),
        a length over `max_bytes` or more than the disk has room for (UploadOverLimit).
        """
        _suffix(file)
        if length < 0:
            raise InputInvalid("Upload-Length: give the file's size in bytes, 0 or more")
        if length > max_bytes:
            raise UploadOverLimit(over_limit_message(file, length, max_bytes))
        self.remove_given_up()
        free = shutil.disk_usage(self.incoming).free
        if length + FREE_SPACE_MARGIN_BYTES > free:
            raise UploadOverLimit(
                f"file: {file[:60]!r} is {size_text(length)}, and the server has room for "
                f"{size_text(max(free - FREE_SPACE_MARGIN_BYTES, 0))} more just now; nothing was "
                "uploaded. Try again later, or ask whoever runs this Backstride to free space"
            )
        upload_id = uuid.uuid4().hex
        now = utc_now()
        record = {
            "runner_id": runner_id,
            "file": file,
            "length": length,
            "created_at": now.isoformat(),
        }
        data = self._data(upload_id)
        os.close(os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            _write_atomically(self._record(upload_id), json.dumps(record).encode())
        except BaseException:
            data.unlink(missing_ok=True)
            raise
        return self._upload(upload_id, record)

    def find(self, runner_id: int, upload_id: str) -> ResumableUpload:
        """The upload `upload_id` of `runner_id`; UploadNotFound when there is none of theirs."""
        record = self._read_record(upload_id) if _ID.match(upload_id) else None
        if record is None or record.get("runner_id") != runner_id:
            raise UploadNotFound(
                "upload: no such upload here; it may have been finished, cancelled or given up "
                f"after {KEEP_UNFINISHED_SECONDS // 3600} hours without progress, so start it again"
            )
        return self._upload(upload_id, record)

    def receiver(
        self, runner_id: int, upload_id: str, *, offset: int, declared: int | None = None
    ) -> Receiver:
        """One append to an upload, starting at `offset`, which must be where its bytes end.

        `declared` is the number of bytes the request says it brings (Content-Length), checked
        against what the upload still lacks before any is taken. The receiver holds the upload
        until it is closed; the bytes it took are on disk (fsync) once it is, also when the
        append ended early (a connection lost): the next append starts after them.
        UploadBusy while another append holds the upload.
        """
        upload = self.find(runner_id, upload_id)
        out = _locked_for_append(upload.path)
        try:
            size = os.fstat(out.fileno()).st_size
            if offset != size:
                raise UploadOffsetMismatch(
                    f"Upload-Offset: {offset} is not where this upload ends ({size}); ask "
                    "where it ends (HEAD) and send from there"
                )
            missing = upload.length - size
            if declared is not None and declared > missing:
                raise UploadOverLimit(
                    f"file: this part brings {declared} bytes, more than the {missing} still "
                    f"missing of {upload.file[:60]!r} ({size_text(upload.length)} in all); "
                    "nothing of it was kept"
                )
        except BaseException:
            out.close()
            raise
        return Receiver(out, missing, upload.file)

    def delete(self, runner_id: int, upload_id: str) -> None:
        """Cancel an upload of `runner_id`: its bytes and its record go."""
        upload = self.find(runner_id, upload_id)
        self._remove(upload.id)

    def complete(self, runner_id: int, upload_id: str) -> ResumableUpload:
        """The upload, whole; UploadIncomplete while bytes are missing."""
        upload = self.find(runner_id, upload_id)
        if not upload.is_complete:
            raise UploadIncomplete(
                f"upload: {upload.file[:60]!r} has {size_text(upload.offset)} of "
                f"{size_text(upload.length)}; send the rest before importing it"
            )
        return upload

    def forget(self, upload_id: str) -> None:
        """Remove what is left of an upload whose bytes were taken (or are to be dropped)."""
        self._remove(upload_id)

    def remove_given_up(self) -> int:
        """Remove uploads that have not grown for `KEEP_UNFINISHED_SECONDS`, and anything else
        left that long in `incoming` (an import whose process was stopped); how many."""
        if not self.incoming.is_dir():
            return 0
        oldest = utc_now().timestamp() - KEEP_UNFINISHED_SECONDS
        removed = 0
        for path in self.incoming.iterdir():
            upload_id = path.name.split(".", 1)[0]
            with suppress(FileNotFoundError):
                if not path.is_file() or path.stat().st_mtime >= oldest:
                    continue
                if path.suffix == ".json" and self._data(upload_id).exists():
                    continue  # judged by its bytes file, which is touched by every append
                if path.suffix == ".part":
                    removed += 1
                    self._record(upload_id).unlink(missing_ok=True)
                path.unlink(missing_ok=True)
        return removed

    # -- files ------------------------------------------------------------------------------

    def _data(self, upload_id: str) -> Path:
        return self.incoming / f"{upload_id}.part"

    def _record(self, upload_id: str) -> Path:
        return self.incoming / f"{upload_id}.json"

    def _remove(self, upload_id: str) -> None:
        self._data(upload_id).unlink(missing_ok=True)
        self._record(upload_id).unlink(missing_ok=True)

    def _read_record(self, upload_id: str) -> dict[str, object] | None:
        try:
            loaded = json.loads(self._record(upload_id).read_bytes())
        except (FileNotFoundError, ValueError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def _upload(self, upload_id: str, record: dict[str, object]) -> ResumableUpload:
        data = self._data(upload_id)
        try:
            stat = data.stat()
        except FileNotFoundError:
            raise UploadNotFound("upload: it is being imported already") from None
        runner_id, length = record.get("runner_id"), record.get("length")
        if not isinstance(runner_id, int) or not isinstance(length, int):
            raise UploadNotFound("upload: its record is damaged; start it again")
        return ResumableUpload(
            id=upload_id,
            runner_id=runner_id,
            file=str(record.get("file", "")),
            length=length,
            offset=stat.st_size,
            created_at=datetime.fromisoformat(str(record.get("created_at"))),
            expires_at=datetime.fromtimestamp(stat.st_mtime + KEEP_UNFINISHED_SECONDS, UTC),
            path=data,
        )


def import_resumable(record: Record, folder: UploadFolder, upload_id: str) -> ImportSummary:
    """Import a whole upload into the runner's record where it lies (personal mode), then
    remove it; the import is all-or-nothing per batch, as `backstride import` is."""
    upload = folder.complete(record.runner.id, upload_id)
    # Taken out of its place first, so a second request finds nothing to import twice.
    taken = folder.incoming / f"{upload.id}.importing{upload.suffix}"
    try:
        upload.path.rename(taken)
    except FileNotFoundError:
        raise UploadNotFound("upload: it is being imported already") from None
    folder.forget(upload.id)
    try:
        return import_spooled(record, taken, upload.file)
    finally:
        taken.unlink(missing_ok=True)


def queue_resumable(
    settings: Settings,
    folder: UploadFolder,
    runner_id: int,
    upload_id: str,
    *,
    queue_name: str = UPLOAD_QUEUE,
) -> UploadJob:
    """Hand a whole upload to the upload queue (team mode): its file is moved into the queue's
    spool, not copied, and a worker imports it; follow the job as for any queued upload."""
    upload = folder.complete(runner_id, upload_id)
    try:
        job = queue_spooled(settings, runner_id, upload.file, upload.path, queue_name=queue_name)
    except FileNotFoundError:
        raise UploadNotFound("upload: it is being imported already") from None
    folder.forget(upload.id)
    return job


class Receiver:
    """Takes the bytes of one append, a buffer at a time, and refuses what is over the length."""

    def __init__(self, out: IO[bytes], missing: int, file: str) -> None:
        self._out = out
        self._missing = missing
        self._file = file
        self._buffer = bytearray()
        self.received = 0

    def take(self, chunk: bytes) -> bytes | None:
        """Add `chunk`; the bytes to write once a buffer's worth has gathered, else None.

        Cheap and never blocks, so it can run on the event loop; `write` the result in a
        worker thread. UploadOverLimit once more bytes come than the upload lacks.
        """
        if self.received + len(chunk) > self._missing:
            raise UploadOverLimit(
                f"file: more bytes came than {self._file[:60]!r} lacks; the part past its "
                "length was not kept"
            )
        self.received += len(chunk)
        self._buffer += chunk
        if len(self._buffer) < WRITE_BUFFER_BYTES:
            return None
        ready, self._buffer = bytes(self._buffer), bytearray()
        return ready

    def write(self, data: bytes) -> None:
        """Write bytes `take` gave (blocking: run it in a worker thread)."""
        self._out.write(data)

    def write_chunk(self, chunk: bytes) -> None:
        """`take` and `write` at once, for a caller that is a plain thread."""
        ready = self.take(chunk)
        if ready is not None:
            self.write(ready)

    def close(self) -> None:
        """Write what is left in the buffer, make it durable and let the upload go (blocking:
        run it in a worker thread). Closing twice does nothing more."""
        if self._out.closed:
            return
        try:
            if self._buffer:
                self._out.write(self._buffer)
                self._buffer = bytearray()
            self._out.flush()
            os.fsync(self._out.fileno())
        finally:
            self._out.close()


def _locked_for_append(path: Path) -> IO[bytes]:
    """The upload's bytes file, open for appending and locked (closing it unlocks it)."""
    try:
        out = path.open("ab")
    except FileNotFoundError:
        raise UploadNotFound("upload: it is being imported already") from None
    try:
        fcntl.flock(out.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        out.close()
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            raise UploadBusy(
                "upload: another request is sending this upload's bytes just now; wait for it "
                "to end, then ask where the upload ends and send from there"
            ) from None
        raise
    return out


def over_limit_message(file: str, length: int, max_bytes: int) -> str:
    """The line that refuses a file over the limit, and what to do instead."""
    shown, limit = size_text(length), size_text(max_bytes)
    if shown == limit:
        shown = f"a little more than {limit}"
    return (
        f"file: {file[:60]!r} is {shown}, over the limit of {limit} "
        "a file; nothing was uploaded. Split the export into smaller zips, or upload the "
        "activity files it holds (its activities folder) in several goes"
    )


def size_text(size: int) -> str:
    """A size in the units people read it in: '4 GB', '64 MB', '12.5 KB', '900 bytes'."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}" if size % scale else f"{size // scale} {unit}"
    return f"{size} bytes"


def _suffix(file: str) -> str:
    lowered = file.lower()
    for suffix in SUFFIXES:
        if lowered.endswith(suffix) and len(file) > len(suffix):
            return suffix
    raise InputInvalid(
        f"file: {file[:60]!r} is not something Backstride imports; upload activity files "
        "(.fit, .gpx or .tcx, each optionally .gz) or a Strava or Garmin Connect export (.zip)"
    )


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Could not create the upload folder {folder} ({exc.strerror or exc}). Set "
            "BACKSTRIDE_DATA_DIR to a folder you can write to."
        ) from None


def _write_atomically(path: Path, content: bytes) -> None:
    """Write `path` whole or not at all: a reader never sees half of it."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

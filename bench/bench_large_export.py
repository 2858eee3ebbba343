"""Benchmark: a real-size export (2 GB by default) uploaded and imported, time and peak memory.

Run with `.venv/bin/python bench/bench_large_export.py` (under the CPU lock:
`flock /tmp/backstride-cpu.lock ...`). It builds, in a temporary folder that is removed at the
end, a Strava-like export: every activity file of ../shared/data/activities that imports,
repeated with its start times moved on by whole days (so each copy is a new activity, not a
duplicate), gzipped as Strava stores them, plus photos that do not compress until the zip has
the size asked for. Then, each in fresh processes, with the memory of the whole process tree
(the process and the decoding workers it starts) sampled every 20 ms:

* `backstride import export.zip` (the command line, the baseline);
* personal mode: `backstride serve`, the export sent as a resumable upload (tus, 16 MB parts,
  as the Activities page sends it), then imported by the web process;
* team mode: the export queued as the web app queues it, imported by `backstride worker --burst`
  (PostgreSQL from BACKSTRIDE_TEST_POSTGRES_URL when set, else SQLite; Redis on 127.0.0.1).

Goal (issue 10): the import of a 2 GB export keeps peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import psutil

from backstride.importers import read_source, scan

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / "../shared/data/activities").resolve()
MB = 1024 * 1024
PART_BYTES = 16 * MB
CLI = [sys.executable, "-c", "from backstride.cli import main; main()"]

# -- the export ------------------------------------------------------------------------------

_ISO = re.compile(rb"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})")
#: FIT date_time fields besides `timestamp` (253): file_id.time_created, session and lap
#: start_time, activity.local_timestamp, length.start_time.
_FIT_DATES = {(0, 4), (18, 2), (19, 2), (34, 5), (101, 2)}
_CRC = [0] * 256
for _byte in range(256):
    _value = _byte
    for _ in range(8):
        _value = (_value >> 1) ^ 0xA001 if _value & 1 else _value >> 1
    _CRC[_byte] = _value


def _crc16(data: bytes | bytearray) -> int:
    """The FIT checksum (CRC-16/ARC), a byte at a time from a table."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _CRC[(crc ^ byte) & 0xFF]
    return crc


def shift_text(data: bytes, days: int) -> bytes:
    """Move every ISO 8601 time in a GPX or TCX file on by `days`."""

    def moved(found: re.Match[bytes]) -> bytes:
        moment = datetime.fromisoformat(f"{found[1].decode()}T{found[2].decode()}")
        return (moment + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S").encode()

    return _ISO.sub(moved, data)


def shift_fit(data: bytes, days: int) -> bytes:
    """Move every date in a FIT file on by `days`, then set its checksum again.

    Whole days are a multiple of 32 s, so compressed timestamps (offsets from the last full
    one) stay right. Values under 0x10000000 are times since the device started: kept.
    """
    out = bytearray(data)
    step = days * 86400
    pos = 0
    while pos + 12 <= len(out) and out[pos + 8 : pos + 12] == b".FIT":
        start = pos + out[pos]
        end = start + int.from_bytes(out[pos + 4 : pos + 8], "little")
        definitions: dict[int, tuple[int, str, list[tuple[int, int, int]], int]] = {}
        p = start
        while p < end:
            header = out[p]
            p += 1
            if header & 0x80:
                local = (header >> 5) & 0x03
            elif header & 0x40:
                endian = "big" if out[p + 1] else "little"
                global_num = int.from_bytes(out[p + 2 : p + 4], endian)
                count, q, offset, fields = out[p + 4], p + 5, 0, []
                for _ in range(count):
                    fields.append((out[q], offset, out[q + 1]))
                    offset += out[q + 1]
                    q += 3
                if header & 0x20:
                    developer, q = out[q], q + 1
                    for _ in range(developer):
                        offset += out[q + 1]
                        q += 3
                definitions[header & 0x0F] = (global_num, endian, fields, offset)
                p = q
                continue
            else:
                local = header & 0x0F
            global_num, endian, fields, size = definitions[local]
            for number, offset, width in fields:
                if width == 4 and (number == 253 or (global_num, number) in _FIT_DATES):
                    at = p + offset
                    value = int.from_bytes(out[at : at + 4], endian)
                    if 0x10000000 <= value < 0xFFFFFFFF - step:
                        out[at : at + 4] = (value + step).to_bytes(4, endian)
            p += size
        out[end : end + 2] = _crc16(out[pos:end]).to_bytes(2, "little")
        pos = end + 2
    return bytes(out)


def importable_files() -> list[Path]:
    """The corpus's activity files that import (damaged ones and non-activities left out)."""
    chosen = []
    for source in scan([CORPUS / "fit", CORPUS / "gpx", CORPUS / "tcx"]):
        if read_source(source).status == "imported":
            chosen.append(source.path)
    return chosen


def build_export(path: Path, size: int, copies: int) -> tuple[int, int]:
    """Write a Strava-like export of about `size` bytes; (activity files, photos) in it."""
    files = importable_files()
    activity_files = photos = 0
    with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
        for copy in range(copies):
            for original in files:
                data = original.read_bytes()
                if original.name.endswith(".gz"):
                    data = gzip.decompress(data)
                lower = original.name.lower().removesuffix(".gz")
                shifted = (
                    shift_fit(data, copy) if lower.endswith(".fit") else shift_text(data, copy)
                )
                suffix = lower[lower.rindex(".") :]
                name = f"activities/{copy:04d}-{original.stem.split('.')[0]}{suffix}.gz"
                archive.writestr(name, gzip.compress(shifted, 6))
                activity_files += 1
        photo = os.urandom(3 * MB)
        while path.stat().st_size < size - 3 * MB:
            # Strava keeps photos as they are: stored, not compressed again. Each differs.
            archive.writestr(
                f"media/{uuid.uuid4().hex}.jpg", os.urandom(16) + photo, zipfile.ZIP_STORED
            )
            photos += 1
    return activity_files, photos


# -- measuring -------------------------------------------------------------------------------


class TreeMemory:
    """The peak memory of a process and of its whole tree, sampled every 50 ms.

    `peak_tree` sums the proportional set size (PSS) of every process: pages shared by forked
    workers are counted once in all, not once per process as summed RSS would. `peak_root` is
    the RSS of the process itself.
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_tree = self.peak_root = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        self.peak_tree = self.peak_root = 0

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak_root = max(self.peak_root, self.root.memory_info().rss)
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for process in processes:
                try:
                    total += process.memory_full_info().pss
                except psutil.Error:
                    continue
            self.peak_tree = max(self.peak_tree, total)


def _environment(work: Path, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTRIDE_")}
    environment.update({"BACKSTRIDE_DATA_DIR": str(work / "data"), **extra})
    return environment


def cli_import(export: Path, work: Path) -> dict[str, float]:
    database = f"sqlite:///{work / 'cli.db'}"
    command = [*CLI, "import", str(export), "--db", database, "--format", "json"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=_environment(work), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    with TreeMemory(process.pid) as memory:
        output, errors = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise SystemExit(f"backstride import failed: {errors.decode()[-2000:]}")
    imported = output.count(b'"sha256"')
    return {"s": elapsed, "tree": memory.peak_tree, "root": memory.peak_root, "n": imported}


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def personal_upload_and_import(export: Path, work: Path) -> dict[str, float]:
    port = _free_port()
    environment = _environment(work, BACKSTRIDE_DATABASE_URL=f"sqlite:///{work / 'web.db'}")
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_line(server, b"Application startup complete")
        base = f"http://127.0.0.1:{port}"
        with TreeMemory(server.pid) as memory, httpx.Client(base_url=base, timeout=600) as client:
            started = time.perf_counter()
            url = _send_resumable(client, export)
            uploaded = time.perf_counter() - started
            upload_tree = memory.peak_tree
            memory.reset()
            started = time.perf_counter()
            answer = client.post(f"{url}/import")
            imported = time.perf_counter() - started
            if answer.status_code not in (200, 201):
                raise SystemExit(f"import refused: {answer.text[:500]}")
            return {
                "upload_s": uploaded,
                "upload_tree": upload_tree,
                "s": imported,
                "tree": memory.peak_tree,
                "root": memory.peak_root,
                "n": answer.json()["imported"],
            }
    finally:
        server.terminate()
        server.wait(timeout=60)


def _send_resumable(client: httpx.Client, export: Path) -> str:
    """Send the export as the page does: created, then 16 MB parts, each streamed."""
    tus = {"Tus-Resumable": "1.0.0"}
    name = base64.b64encode(export.name.encode()).decode()
    created = client.post(
        "/api/v1/resumable-uploads",
        headers={
            **tus,
            "Upload-Length": str(export.stat().st_size),
            "Upload-Metadata": f"filename {name}",
        },
    )
    created.raise_for_status()
    url = created.headers["location"]
    offset, length = 0, export.stat().st_size
    with export.open("rb") as stream:
        while offset < length:
            part = min(PART_BYTES, length - offset)

            def body(left: int = part) -> Iterator[bytes]:
                while left:
                    piece = stream.read(min(MB, left))
                    left -= len(piece)
                    yield piece

            sent = client.patch(
                url,
                content=body(),
                headers={
                    **tus,
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                    "Content-Length": str(part),
                },
            )
            sent.raise_for_status()
            offset = int(sent.headers["upload-offset"])
    return url


def _wait_for_line(process: subprocess.Popen[bytes], wanted: bytes) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if wanted in line:
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep it drained
            return
    raise SystemExit("the server stopped before it was ready")


def team_worker_import(export: Path, work: Path) -> dict[str, float] | str:
    import redis

    from backstride.services.accounts import open_team_store, sign_up
    from backstride.services.upload_queue import queue_spooled, upload_job
    from backstride.settings import Settings

    redis_url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return "skipped: no Redis on 127.0.0.1:6379"
    database = os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL") or f"sqlite:///{work / 'team.db'}"
    queue = f"bench-uploads-{uuid.uuid4().hex}"
    settings = Settings(
        database_url=database, mode="team", redis_url=redis_url, data_dir=work / "data"
    )
    with open_team_store(settings) as store:
        account = sign_up(
            store,
            email=f"{uuid.uuid4().hex[:8]}@example.org",
            password="bench password 1",
            role="runner",
        )
    runner_id = account.runner_id or 0
    copy = work / "queued.zip"
    os.link(export, copy)  # the upload folder's copy, as a finished resumable upload leaves it
    job = queue_spooled(settings, runner_id, export.name, copy, queue_name=queue)
    environment = _environment(
        work, BACKSTRIDE_DATABASE_URL=database, BACKSTRIDE_REDIS_URL=redis_url
    )
    started = time.perf_counter()
    worker = subprocess.Popen(
        [*CLI, "worker", "--burst", "--queue", queue],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    with TreeMemory(worker.pid) as memory:
        _, errors = worker.communicate()
    elapsed = time.perf_counter() - started
    done = upload_job(settings, runner_id, job.id)
    if worker.returncode != 0 or done is None or done.summary is None:
        return f"failed: {errors.decode()[-1500:]}"
    return {
        "s": elapsed,
        "tree": memory.peak_tree,
        "root": memory.peak_root,
        "n": done.summary["imported"],
        "db": "postgresql" if "postgres" in database else "sqlite",
    }


def _print_row(label: str, row: dict[str, float] | str, export: Path) -> None:
    if isinstance(row, str):
        print(f"{label:45} {row}", flush=True)
        return
    print(
        f"{label:45} {row['s']:9.1f} {int(row['n']):10d} {row['tree'] / MB:13.0f} "
        f"{row['root'] / MB:13.0f}",
        flush=True,
    )
    if "upload_s" in row:
        rate = export.stat().st_size / MB / row["upload_s"]
        print(
            f"{'  upload of the export (tus, 16 MB parts)':45} {row['upload_s']:9.1f} "
            f"{'':10} {row['upload_tree'] / MB:13.0f}   ({rate:,.0f} MB/s)",
            flush=True,
        )
    if "db" in row:
        print(f"{'  (team database: ' + str(row['db']) + ')':45}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=2048, help="size of the export (MiB)")
    parser.add_argument("--copies", type=int, default=30, help="copies of each corpus file")
    parser.add_argument("--work", type=Path, default=None, help="temporary folder to use")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="backstride-bench-export-", dir=options.work))
    try:
        export = work / "export_12345678.zip"
        started = time.perf_counter()
        activity_files, photos = build_export(export, options.size_mb * MB, options.copies)
        print(
            f"export: {export.stat().st_size / MB:,.0f} MB, {activity_files} activity files "
            f"(gzipped), {photos} photos; built in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        print(
            f"\n{'':45} {'import s':>9} {'activities':>10} {'peak tree MB':>13} "
            f"{'peak main MB':>13}",
            flush=True,
        )
        _print_row("command line: backstride import", cli_import(export, work), export)
        personal = personal_upload_and_import(export, work)
        _print_row("personal: serve, resumable upload, import", personal, export)
        _print_row(
            "team: queued, backstride worker --burst", team_worker_import(export, work), export
        )
        print(
            "\npeak tree: the memory (PSS) of the process and of every process it started (rq's "
            "work horse, the decoding workers) added up; peak main: the RSS of the process."
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The shared corpus of real activity files (../shared/data/activities), read in place.

The files are never copied into the repository: several sources carry no licence. Tests that need
them skip when the folder is missing.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

CORPUS = (Path(__file__).resolve().parents[2] / "../shared/data/activities").resolve()
FOLDERS = ("fit", "gpx", "tcx", "broken")

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def manifest_rows() -> list[tuple[str, str, dict[str, str]]]:
    """(folder, file name, manifest row) for every file the manifests list; empty if absent."""
    rows = []
    for folder in FOLDERS:
        manifest = CORPUS / folder / "MANIFEST.tsv"
        if not manifest.is_file():
            continue
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                rows.append((folder, row["file"], row))
    return rows


def corpus_file(folder: str, name: str) -> Path:
    """The path of a corpus file."""
    return CORPUS / folder / name


def corpus_bytes(folder: str, name: str) -> bytes:
    """A corpus file's bytes, gunzipped when it is a .gz."""
    data = corpus_file(folder, name).read_bytes()
    return gzip.decompress(data) if name.endswith(".gz") else data


def fit_files() -> list[tuple[str, str]]:
    """(folder, name) of every FIT file in the corpus, the broken ones included."""
    return [(f, n) for f, n, _ in manifest_rows() if n.lower().endswith((".fit", ".fit.gz"))]

"""Importers: activity files and bulk exports in, `domain.Activity` records out.

Public API:

```python
from backstride.importers import scan, read_source, read_sources, read_data

sources = list(scan(["~/Downloads/export_12345.zip", "watch/"]))   # cheap: directories only
total_bytes = sum(s.size for s in sources)
for outcome in read_sources(sources):            # decodes on every core, in the order given
    progress.advance(files=1, bytes=outcome.source.size)
    if outcome.status == "imported":
        store(outcome.activities)                 # one Activity per session
    else:                                         # "skipped" or "failed"
        report(outcome.file, outcome.reason)      # "file ends early at byte 768 of 1024"
```

* `scan(paths) -> Iterator[SourceFile]`: walks files, folders (recursively) and export zips
  (Strava bulk export, Garmin Connect export with nested UploadedFiles zips; nothing is extracted
  to disk) lazily and in a stable order. Unsupported files named explicitly, missing paths, and
  refused archive entries (escaping paths, zip bombs, files over the size limit) come out as
  sources whose `problem` is set; reading them gives a "failed" outcome.
* `read_source(source) -> ImportOutcome`: reads one source; never raises. `status` is
  "imported" (with `activities`), "skipped" (not an activity: settings, monitoring, workout
  files, planned routes; `reason` says which) or "failed" (`reason` says what is wrong).
* `read_sources(sources, workers=None) -> Iterator[ImportOutcome]`: the same for many sources on
  worker processes (default: every core), outcomes in input order, memory bounded. It also
  leaves out Garmin summaries whose activity file is in the same export.
* `read_data(name, data) -> ImportOutcome`: decodes bytes already in memory (an upload).
* `load_data(source, archives) -> bytes`: a source's bytes after removing zip and gzip layers
  (the bytes its activities' sha256 is of), for keeping the original file; raises
  `ImportFailed`. `archives` is an `ArchiveReader` the caller holds for one import
  (`with ArchiveReader() as archives:`), so each export zip is opened once and closed after.
* `classify(name)`: the format a file name says (.fit, .gpx, .tcx, each optionally .gz).
* `decode(source, data)`: decodes bytes already loaded for a source (what workers run).

Each format is an `ActivityReader` (bytes in, activities out) registered in `reading.READERS`.

Every `Activity` carries the sha256 of its file's bytes after removing the zip and gzip layers,
so the store can drop duplicates; manual Strava entries and Garmin summaries, which have no
file, hash their export id instead ("strava-activity:<id>", "garmin-activity:<id>").
Sports are lower-case FIT names; numbers are the device's session totals where the file has them,
otherwise computed the one way `track` documents; unknown values are None.
"""

from __future__ import annotations

from backstride.importers.archive import ArchiveReader
from backstride.importers.model import (
    MAX_EXPANSION_RATIO,
    MAX_FILE_BYTES,
    ActivityReader,
    ImportOutcome,
    OutcomeStatus,
    SourceFile,
    SourceKind,
)
from backstride.importers.reading import (
    decode,
    load_data,
    read_data,
    read_source,
    read_sources,
)
from backstride.importers.sources import classify, scan

__all__ = [
    "MAX_EXPANSION_RATIO",
    "MAX_FILE_BYTES",
    "ActivityReader",
    "ArchiveReader",
    "ImportOutcome",
    "OutcomeStatus",
    "SourceFile",
    "SourceKind",
    "classify",
    "decode",
    "load_data",
    "read_data",
    "read_source",
    "read_sources",
    "scan",
]

"""The runner owns the data: export all of it to a zip, restore it, or forget it.

An export is a zip of JSON documents and the original activity files, byte for byte:

    manifest.json          format, version, counts, and the SHA-256 and size of every other member
    runner.json            the profile (time zone, run days)
    assessments.json       each assessment: the intake and the output as stored
    checkins.json          the pain diary
    return_to_run.json     every return-to-run programme, oldest first
    activities.json        every imported activity
    outcomes.json          the outcome questionnaires (RMDQ, PSFS), oldest first (format 2)
    form_analyses.json     each running-form analysis: its document, its members below (format 3)
    form/<n>/key-frame.jpg the key-frame picture of the n-th analysis (n from 1)
    form/<n>/<name>        its video, when the runner kept it
    files.json             the original files: name, hash, when kept, and their member below
    files/<sha256>/<name>  each original file

```python
with open_record(db) as record:
    export_record(record, Path("backstride.zip"))
    forget_everything(record)
with open_record(db) as record:
    restore_record(record, Path("backstride.zip"))
```

A restore checks the whole archive (member names, sizes, every hash) before it writes, then
writes everything in one transaction: all or nothing.

`forget_everything` deletes the runner too; `clear_record` (the web app's "delete everything")
keeps the runner row and its id, which the app serves. Both touch only this runner's rows.

The format and its checks are in `archive`, the writing in `export`, the reading back in
`restore`, and counting and forgetting in `records`.
"""

from __future__ import annotations

from backstride.services.data.archive import (
    ACTIVITIES,
    ASSESSMENTS,
    CHECKINS,
    COUNT_NAMES,
    DOCUMENTS,
    FILES,
    FILES_FOLDER,
    FORM_ANALYSES,
    FORM_FOLDER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    OUTCOMES,
    PROGRAMMES,
    RUNNER,
    DataSummary,
)
from backstride.services.data.export import export_record
from backstride.services.data.records import clear_record, forget_everything, record_counts
from backstride.services.data.restore import restore_record

__all__ = [
    "ACTIVITIES",
    "ASSESSMENTS",
    "CHECKINS",
    "COUNT_NAMES",
    "DOCUMENTS",
    "FILES",
    "FILES_FOLDER",
    "FORMAT",
    "FORMAT_VERSION",
    "FORM_ANALYSES",
    "FORM_FOLDER",
    "MANIFEST",
    "OUTCOMES",
    "PROGRAMMES",
    "RUNNER",
    "DataSummary",
    "clear_record",
    "export_record",
    "forget_everything",
    "record_counts",
    "restore_record",
]

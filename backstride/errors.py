"""Every error Backstride raises on purpose.

Our exception hierarchy:

    BackstrideError                 the interfaces (cli, web) catch this and only this
    ├── InputInvalid                a file or request the user gave is wrong (exit 2, HTTP 422)
    │   ├── IntakeInvalid           an assessment intake breaks the contract
    │   └── VideoInvalid            not a video Backstride can read (empty, damaged, too large)
    ├── KnowledgeInvalid            the knowledge base does not validate (a packaging bug)
    ├── ImportFailed                one activity file could not be imported
    │   ├── UnsupportedFileType     not a .fit/.gpx/.tcx (optionally .gz) or known export zip
    │   ├── NotAnActivity           a readable file that holds no activity (settings, workout)
    │   ├── NoUsableData            an activity file without any usable numbers
    │   └── FileRefused             refused for safety: too large, zip bomb, path escape
    ├── PoseModelMissing            the pose model for form analysis is not installed
    └── StoreError                  the database could not be read or written

Each message says what was wrong and what to do next, in plain words, on one line.
"""

from __future__ import annotations


class BackstrideError(Exception):
    """Base class. The command line and the web app catch this and only this."""


class InputInvalid(BackstrideError):
    """Input given by the user is wrong; the message names the field and what is allowed."""


class IntakeInvalid(InputInvalid):
    """An assessment intake does not follow the intake contract."""


class VideoInvalid(InputInvalid):
    """A file given for form analysis is not a video Backstride can read."""


class PoseModelMissing(BackstrideError):
    """The pose model (mediapipe 0.10.21, installed by `make install`) cannot be loaded."""


class KnowledgeInvalid(BackstrideError):
    """The knowledge base failed validation or an entry refers to a missing id."""


class ImportFailed(BackstrideError):
    """An activity file could not be imported."""


class UnsupportedFileType(ImportFailed):
    """The file is not a format Backstride reads."""


class NotAnActivity(ImportFailed):
    """A readable file that holds no activity (settings, monitoring, workout)."""


class NoUsableData(ImportFailed):
    """An activity file that holds no usable numbers (no time, no distance)."""


class FileRefused(ImportFailed):
    """A file refused for safety: over the size limit, a zip bomb, a path escaping the archive."""


class StoreError(BackstrideError):
    """The database could not be read or written."""

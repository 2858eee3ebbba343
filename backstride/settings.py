"""Backstride's configuration, read from the environment when asked for, never at import.

| Setting        | Environment variable        | Default                                     |
|----------------|-----------------------------|---------------------------------------------|
| `database_url` | `BACKSTRIDE_DATABASE_URL`   | a SQLite file in `data_dir`                 |
| `mode`         | `BACKSTRIDE_MODE`           | `personal` (or `team`)                      |
| `data_dir`     | `BACKSTRIDE_DATA_DIR`       | the user's data directory (platformdirs)    |
| `redis_url`    | `BACKSTRIDE_REDIS_URL`      | none: uploads are imported in the web process |
| `upload_queue` | `BACKSTRIDE_UPLOAD_QUEUE`   | `backstride-uploads`: the Redis queue of uploads |
| `spool_dir`    | `BACKSTRIDE_SPOOL_DIR`      | `upload-spool` in `data_dir`                |
| `secret_key`   | `BACKSTRIDE_SECRET_KEY`     | none (team mode refuses to start without one) |
| `secure_cookies` | `BACKSTRIDE_SECURE_COOKIES` | true: session cookies only over HTTPS     |

The database URL is chosen in this order: `--db URL` on the command line, then
`BACKSTRIDE_DATABASE_URL`, then `backstride.db` in the data directory:

```python
settings = Settings()                       # reads the environment now
url = resolve_database_url(args.db, settings=settings)
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from backstride.errors import StoreError

Mode = Literal["personal", "team"]

#: The name of the SQLite file kept in the data directory.
DATABASE_FILE_NAME = "backstride.db"


class Settings(BaseSettings):
    """Configuration from `BACKSTRIDE_*` environment variables; build one where it is needed."""

    model_config = SettingsConfigDict(env_prefix="BACKSTRIDE_", env_ignore_empty=True)

    database_url: str | None = Field(
        None, description="Any SQLAlchemy URL; unset means a SQLite file in `data_dir`."
    )
    mode: Mode = Field(
        "personal", description="`personal`: one runner, no login. `team`: many athletes."
    )
    data_dir: Path | None = Field(
        None, description="Where Backstride keeps its files; unset means the user's data folder."
    )
    redis_url: str | None = Field(
        None,
        description="Redis for the upload queue (`redis://host:6379/0`); required in team mode, "
        "where a worker process (`backstride worker`) imports uploads.",
    )
    upload_queue: str = Field(
        "backstride-uploads",
        min_length=1,
        max_length=100,
        description="The Redis queue uploads go through (team mode). Every web process and "
        "worker of one Backstride uses the same; two Backstrides sharing a Redis use two.",
    )
    spool_dir: Path | None = Field(
        None,
        description="Where uploads wait for their import: folder `upload-spool` in `data_dir` "
        "unless set. With web processes and workers on several machines, one folder on shared "
        "storage (NFS, say) mounted on every one of them, at the same path.",
    )
    secret_key: str | None = Field(
        None,
        description="Signs session cookies and CSRF tokens in team mode: a long random string, "
        "the same for every web worker, kept secret.",
    )
    secure_cookies: bool = Field(
        True,
        description="Send session cookies only over HTTPS (team mode). Set false only to try "
        "team mode over plain http on 127.0.0.1.",
    )


def default_data_dir() -> Path:
    """The user's data directory for Backstride (for example ~/.local/share/backstride)."""
    return Path(platformdirs.user_data_dir("backstride", appauthor=False))


def default_database_url(data_dir: Path | None = None) -> str:
    """The URL of `backstride.db` in `data_dir` (or the user's data directory), folder created.

    ```python
    default_database_url(Path("/tmp/bs"))  # 'sqlite:////tmp/bs/backstride.db'
    ```
    """
    folder = (data_dir if data_dir is not None else default_data_dir()).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Could not create the data folder {folder} ({exc.strerror or exc}). "
            "Set BACKSTRIDE_DATA_DIR to a folder you can write to, or pass --db URL."
        ) from exc
    return f"sqlite:///{(folder / DATABASE_FILE_NAME).resolve().as_posix()}"


def resolve_database_url(explicit: str | None = None, *, settings: Settings | None = None) -> str:
    """The database URL to use: `explicit` (the `--db` value) > environment > default file.

    `settings` defaults to a `Settings()` read from the environment at call time.
    """
    if explicit:
        return explicit
    if settings is None:
        settings = Settings()
    if settings.database_url:
        return settings.database_url
    return default_database_url(settings.data_dir)

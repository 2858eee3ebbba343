"""The server-rendered pages' templates (Jinja2, autoescaped) and static files (CSS).

Both ship inside the package (`web/templates/`, `web/static/`); nothing is fetched from
elsewhere, so the CSP's `default-src 'self'` covers every asset a page uses.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
#: Where the static files are served.
STATIC_PATH = "/static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)

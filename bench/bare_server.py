"""The framework's ceiling for bench/bench_web.py: bare FastAPI routes that answer fixed bodies.

`python bench/bare_server.py PORT WORKERS FOLDER` serves, under uvicorn with the options
`backstride serve` uses (`backstride.cli.serve.server_options`), the same paths the benchmark
asks for, answered with the bodies the real app gave (FOLDER/assess.json, FOLDER/today.html):
no middleware, no database, no work. The POST route reads the whole body, as the real one does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

BODIES_ENV = "BENCH_BARE_BODIES"


def create_bare_app() -> FastAPI:
    """The bare app (uvicorn's factory): fixed answers read once, when a worker starts."""
    folder = Path(os.environ[BODIES_ENV])
    assessment = (folder / "assess.json").read_bytes()
    page = (folder / "today.html").read_bytes()
    app = FastAPI(openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)

    @app.post("/api/v1/assess")
    async def assess(request: Request) -> Response:
        await request.body()
        return Response(assessment, media_type="application/json")

    @app.get("/today")
    async def today() -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    return app


def main() -> None:
    import uvicorn

    from backstride.cli.serve import server_options

    port, workers, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.environ[BODIES_ENV] = folder
    uvicorn.run(
        "bare_server:create_bare_app",
        factory=True,
        app_dir=str(Path(__file__).parent),
        host="127.0.0.1",
        port=port,
        workers=workers,
        **server_options(False),
    )


if __name__ == "__main__":
    main()

"""The Form page end to end over the shared real clip: PyAV, MediaPipe BlazePose and the page.

The clip (../shared/data/video/track_side_slowmo_screenrec.mp4) is read in place, never copied
(its licence does not allow it), and sent as the browser would. It shows 5 landings, too few
for advice (tests/form/test_shared_clip.py has its measures), so the page says why, in plain
words, and keeps nothing. About 10 s on a 2-core machine; skipped without the shared folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backstride.services.record import open_record
from backstride.settings import Settings
from backstride.store import repo
from backstride.web.app import create_app

pytestmark = pytest.mark.anyio

CLIP = (
    Path(__file__).resolve().parents[2] / "../shared/data/video/track_side_slowmo_screenrec.mp4"
).resolve()
_POLL = re.compile(r'hx-get="/form/jobs/([0-9a-f]{32})"')


@pytest.mark.skipif(not CLIP.is_file(), reason=f"shared clip not found at {CLIP}")
async def test_the_real_clip_is_analysed_and_found_too_short_for_advice(
    tmp_path, serve, database_url
):
    settings = Settings(database_url=database_url, mode="personal", data_dir=tmp_path)
    app = create_app(settings)
    async with serve(app) as client:
        started = await client.post(
            "/form/upload",
            files={"clip": (CLIP.name, CLIP.read_bytes(), "video/mp4")},
            data={"slow_motion": "3.5"},
            headers={"HX-Request": "true"},
        )
        assert started.status_code == 202, started.text[:300]
        job_id = _POLL.search(started.text).group(1)
        app.state.form_analyses.wait(job_id, 120)
        done = await client.get(f"/form/jobs/{job_id}", headers={"HX-Request": "true"})
        job = (await client.get(f"/api/v1/form/jobs/{job_id}")).json()

    assert "not usable for advice" in done.text
    assert "This clip cannot be analysed reliably" in done.text
    assert "Cadence</th><td>16" in done.text  # about 168 steps/min in real time
    assert job["state"] == "unusable"
    assert "too_few_steps" in job["result"]["quality"]["problem_ids"]
    with open_record(database_url) as record, record.session() as session:
        assert repo.list_form_analyses(session=session, runner_id=record.runner.id) == []

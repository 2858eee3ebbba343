"""`backstride worker` for the form-analysis tests: the pose model replaced by a stand-in.

BACKSTRIDE_TEST_GAIT holds the synthetic gait as JSON (the fields of `form.synthetic.Gait`,
e.g. `{"heel_ahead": 0.5, "seconds": 8}`); the stand-in "sees" that runner in whatever clip the
worker is handed (tests/form/clips.py), so a queued analysis runs in moments.

Run as `python tests/form_queue_worker.py worker --burst --queue NAME`.
"""

from __future__ import annotations

import json
import os

from form.clips import ScriptedPose
from form.synthetic import Gait, runner

from backstride.cli import main
from backstride.form import pose

ScriptedPose.track = runner(Gait(**json.loads(os.environ["BACKSTRIDE_TEST_GAIT"]))).track
pose.MediaPipePose = ScriptedPose  # type: ignore[misc,assignment]

if __name__ == "__main__":
    main()

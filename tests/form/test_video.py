"""Decoding: a frame found again by seeking is the frame of the pass, and decoding ahead of the
pose model gives the same frames in the same order, its errors and an early stop included."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from backstride.errors import VideoInvalid
from backstride.form import tracking
from backstride.form.tracking import decoded_ahead
from backstride.form.video import frame_at, probe, timed_frames

from .clips import make_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return make_clip(folder / "gop.mp4", frames=150, key_frame_every=30)


def test_a_frame_found_by_seeking_is_the_frame_of_the_pass(clip):
    video = probe(clip)
    passed = list(timed_frames(clip, video))
    assert len(passed) == 150
    for index in (0, 29, 30, 31, 77, 149):
        pts, rgb = passed[index]
        assert pts is not None
        found = frame_at(clip, video, index, pts)
        assert found is not None and np.array_equal(found, rgb), index


def test_without_times_the_frame_is_found_by_decoding_from_the_start(clip):
    video = probe(clip)
    passed = [rgb for _, rgb in timed_frames(clip, video)]
    found = frame_at(clip, video, 77, None)
    assert found is not None and np.array_equal(found, passed[77])
    assert frame_at(clip, video, 500, None) is None


def test_decoding_ahead_gives_the_frames_in_order(clip):
    video = probe(clip)
    expected = [pts for pts, _ in timed_frames(clip, video)]
    with decoded_ahead(clip, video, ahead=2) as frames:
        assert [pts for pts, _ in frames] == expected


def test_leaving_early_stops_the_decoding_thread(clip):
    video = probe(clip)
    before = threading.active_count()
    with decoded_ahead(clip, video, ahead=2) as frames:
        next(frames)
    assert threading.active_count() == before


def test_an_error_while_decoding_reaches_the_reader(clip, monkeypatch):
    video = probe(clip)

    def broken(path, video, size=None):
        yield from ()
        raise VideoInvalid("gop.mp4: cannot be read")

    monkeypatch.setattr(tracking, "timed_frames", broken)
    with pytest.raises(VideoInvalid, match="cannot be read"), decoded_ahead(clip, video) as frames:
        list(frames)

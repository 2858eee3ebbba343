"""Initial contacts (the moments a foot lands), found without trusting left and right.

A landing foot is at its furthest ahead of the hips (the gait-event rule of Zeni et al. 2008,
which holds for running on a treadmill and for a camera panning along a track): the peaks of
"heel ahead of the mid-hip", in the direction of running, are the initial contacts. Both
labelled heels are searched and their peaks merged, one per step, so the pose model's
left/right swaps on a side view do not lose or double a step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from backstride.form.cleaning import CleanTrack
from backstride.form.track import SIDES, Array, Side

Facing = Literal["left", "right"]

PEAK_HALF_WINDOW_PERIODS = 0.5
"""A contact is the heel's furthest point ahead within half a step period either side."""
MIN_SWING_LEG_LENGTHS = 0.25
"""The heel must travel at least this far, back to front, around a contact (no jitter peaks)."""
MIN_GAP_PERIODS = 0.75
"""Two contacts closer than this are one step read twice (or a tracking glitch): the one with
the heel further ahead is kept. Step times of steady running vary by a few per cent."""
MIN_MOVING_SHARE = 0.8
"""Share of moving frames needed around a contact (no contacts in gaps or paused pictures)."""


@dataclass(frozen=True, slots=True)
class Contact:
    """One initial contact: the frame, the heel (by the model's label) and how far ahead it was."""

    frame: int
    side: Side
    heel_ahead_leg_lengths: float


def facing(track: CleanTrack) -> tuple[Facing, int]:
    """Which way the runner faces in the picture, and the sign of forward along x.

    The nose is ahead of the ears; where that is unclear, the toes are ahead of the heels.
    """
    moving = track.moving
    nose_ahead = track.point("nose")[moving, 0] - track.mid("ear")[moving, 0]
    toes_ahead = track.mid("toe")[moving, 0] - track.mid("heel")[moving, 0]
    lean = float(np.median(nose_ahead)) if nose_ahead.size else 0.0
    if abs(lean) < 0.02 * track.leg_length_px and toes_ahead.size:
        lean = float(np.median(toes_ahead))
    return ("right", 1) if lean >= 0 else ("left", -1)


def heel_ahead(track: CleanTrack, side: Side, forward: int) -> Array:
    """How far the heel is ahead of the mid-hip, in leg lengths, frame by frame."""
    hip_x = track.mid("hip")[:, 0]
    return np.asarray(
        forward * (track.point(f"{side}_heel")[:, 0] - hip_x) / track.leg_length_px,
        dtype=np.float64,
    )


def find_contacts(track: CleanTrack, forward: int) -> tuple[Contact, ...]:
    """Every initial contact in the clip, in time order, at least 0.75 step periods apart."""
    if track.step_period_frames is None:
        return ()
    half = max(1, round(PEAK_HALF_WINDOW_PERIODS * track.step_period_frames))
    gap = MIN_GAP_PERIODS * track.step_period_frames
    candidates: list[Contact] = []
    for side in SIDES:
        signal = heel_ahead(track, side, forward)
        candidates += [Contact(t, side, float(signal[t])) for t in _peaks(signal, track, half)]
    candidates.sort(key=lambda c: c.frame)
    kept: list[Contact] = []
    for contact in candidates:
        if kept and contact.frame - kept[-1].frame < gap:
            if contact.heel_ahead_leg_lengths > kept[-1].heel_ahead_leg_lengths:
                kept[-1] = contact
            continue
        kept.append(contact)
    return tuple(kept)


def _peaks(signal: Array, track: CleanTrack, half: int) -> list[int]:
    peaks = []
    moving = track.moving
    t = half
    while t < len(signal) - half:
        window = signal[t - half : t + half + 1]
        if signal[t] < window.max() or signal[t] == signal[t - 1]:
            t += 1
            continue
        # Smoothing flattens a peak into a short plateau: its middle is the landing.
        end = t
        while end + 1 < len(signal) and signal[end + 1] == signal[t]:
            end += 1
        peak = (t + end + 1) // 2
        swing = signal[t] - window.min()
        around = moving[peak - half : peak + half + 1]
        if swing >= MIN_SWING_LEG_LENGTHS and around.mean() >= MIN_MOVING_SHARE:
            peaks.append(peak)
        t = end + 1
    return peaks

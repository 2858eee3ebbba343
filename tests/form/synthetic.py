"""Synthetic side-view runners as keypoint arrays, with the truth they were drawn from.

A stick runner on a treadmill: hips bobbing once per step, each foot swinging on a cosine from
behind the hips to `heel_ahead` leg lengths ahead of them at its landing, the knee placed by
two-link geometry, a leaning trunk, a head carried ahead of it and a swinging near arm with a
fixed elbow. Options add noise, dropped frames, left/right label swaps and a mirrored picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backstride.form.track import INDEX, LANDMARKS, PoseTrack

WIDTH, HEIGHT = 1920, 1080
LEG_PX = 400.0


@dataclass(frozen=True)
class Gait:
    fps: float = 60.0
    cadence_spm: float = 170.0
    """Steps per minute in the clip's own time."""
    seconds: float = 8.0
    heel_ahead: float = 0.35
    trunk_lean_deg: float = 6.0
    head_deg: float = 25.0
    elbow_deg: float = 85.0
    bounce: float = 0.04
    """Hip rise and fall, each way, in leg lengths."""
    facing: int = 1
    noise_px: float = 0.0
    dropped_share: float = 0.0
    swap_share: float = 0.0
    near_label: str = "left"
    seed: int = 0
    still_frames: int = 0
    """A paused picture at the start (a screen recording's frozen first frame)."""
    span: float = 0.06
    """Left-right spread of shoulders and hips, in leg lengths (large for a front view)."""


@dataclass(frozen=True)
class Truth:
    track: PoseTrack
    contact_frames: tuple[int, ...]
    shank_deg: tuple[float, ...] = field(default=())
    shank_band: tuple[float, float] = (0.0, 0.0)
    """Median shin angle one frame before and one frame after the landings (the most a
    landing timed to the nearest frame can read)."""

    @property
    def period_frames(self) -> float:
        return float(np.median(np.diff(self.contact_frames)))


def runner(g: Gait) -> Truth:
    """Draw the gait; the truth lists every landing inside the clip and its shin angle."""
    rng = np.random.default_rng(g.seed)
    n = round(g.seconds * g.fps)
    step = g.fps * 60.0 / g.cadence_spm
    t = np.arange(n, dtype=float)
    xy = np.full((n, len(LANDMARKS), 2), np.nan)
    vis = np.zeros((n, len(LANDMARKS)))
    f = g.facing
    hip = np.stack(
        [np.full(n, WIDTH / 2), 520 + g.bounce * LEG_PX * np.cos(2 * np.pi * t / step)], 1
    )
    contacts, shanks, bands = [], [], []
    for k, label in enumerate(("left", "right")):
        phase = (t / (2 * step) + 0.5 * k) % 1.0
        ahead = (-0.25 + (g.heel_ahead + 0.25) * np.cos(2 * np.pi * phase)) * LEG_PX
        stance = phase < 0.35
        lift = np.where(stance, 0.0, 0.25 * LEG_PX * np.sin(np.pi * (phase - 0.35) / 0.65))
        ground = 520 + 0.95 * LEG_PX
        heel = np.stack([hip[:, 0] + f * ahead, ground - lift], 1)
        ankle = heel + np.array([f * 0.04 * LEG_PX, -0.04 * LEG_PX])
        knee = _knee(hip, ankle, f)
        toe = ankle + np.array([f * 0.14 * LEG_PX, 0.03 * LEG_PX])
        offset = np.array([(-1 if label == g.near_label else 1) * g.span * LEG_PX / 2, 0])
        for part, value in (
            ("hip", hip),
            ("knee", knee),
            ("ankle", ankle),
            ("heel", heel),
            ("toe", toe),
        ):
            xy[:, INDEX[f"{label}_{part}"]] = value + (offset if part == "hip" else 0)
        landings = (np.arange(-1, n / (2 * step) + 2) - 0.5 * k) * 2 * step
        for c in np.round(landings).astype(int):
            if 0 < c < n - 1:
                contacts.append(int(c))
                d = ankle[c - 1 : c + 2] - knee[c - 1 : c + 2]
                angles = np.degrees(np.arctan2(f * d[:, 0], d[:, 1]))
                shanks.append(float(angles[1]))
                bands.append((float(angles.min()), float(angles.max())))
    lean = np.radians(g.trunk_lean_deg)
    shoulder = hip + 0.55 * LEG_PX * np.array([f * np.sin(lean), -np.cos(lean)])
    head = lean + np.radians(g.head_deg)
    ear = shoulder + 0.22 * LEG_PX * np.array([f * np.sin(head), -np.cos(head)])
    nose = ear + np.array([f * 0.09 * LEG_PX, 0.02 * LEG_PX])
    xy[:, INDEX["nose"]] = nose
    for label in ("left", "right"):
        sign = -1 if label == g.near_label else 1
        offset = np.array([sign * g.span * LEG_PX / 2, 0])
        xy[:, INDEX[f"{label}_shoulder"]] = shoulder + offset
        xy[:, INDEX[f"{label}_ear"]] = ear + offset / 2
        swing = np.radians(35) * np.cos(
            2 * np.pi * t / (2 * step) + (0 if label == "left" else np.pi)
        )
        upper = np.stack([f * np.sin(swing), np.cos(swing)], 1) * 0.33 * LEG_PX
        elbow = xy[:, INDEX[f"{label}_shoulder"]] + upper
        bend = swing + np.pi - np.radians(g.elbow_deg)
        forearm = np.stack([f * np.sin(bend), np.cos(bend)], 1) * 0.3 * LEG_PX
        xy[:, INDEX[f"{label}_elbow"]] = elbow
        xy[:, INDEX[f"{label}_wrist"]] = elbow + forearm
        for name in LANDMARKS:
            if name.startswith(label):
                vis[:, INDEX[name]] = 0.99 if label == g.near_label else 0.5
    vis[:, INDEX["nose"]] = 0.99
    if g.still_frames:
        xy[: g.still_frames] = xy[g.still_frames]
        contacts_kept = [
            (c, s) for c, s in zip(contacts, shanks, strict=True) if c > g.still_frames + step / 2
        ]
        kept = [c for c, _ in contacts_kept]
        bands = [b for c, b in zip(contacts, bands, strict=True) if c in kept]
        contacts, shanks = kept, [s for _, s in contacts_kept]
    xy += rng.normal(0, g.noise_px, xy.shape) if g.noise_px else 0
    if g.swap_share:
        _swap_labels(xy, vis, rng, g.swap_share)
    if g.dropped_share:
        dropped = rng.random(n) < g.dropped_share
        xy[dropped] = np.nan
        vis[dropped] = 0
    order = np.argsort(contacts)
    return Truth(
        PoseTrack(xy, vis, g.fps, WIDTH, HEIGHT),
        tuple(int(contacts[i]) for i in order),
        tuple(shanks[i] for i in order),
        (float(np.median([b[0] for b in bands])), float(np.median([b[1] for b in bands]))),
    )


def mirrored(track: PoseTrack) -> PoseTrack:
    """The same clip seen in a mirror: x flipped, so the runner faces the other way."""
    xy = track.xy.copy()
    xy[..., 0] = track.width - xy[..., 0]
    return PoseTrack(xy, track.visibility.copy(), track.fps, track.width, track.height)


def _knee(hip: np.ndarray, ankle: np.ndarray, f: int) -> np.ndarray:
    """The knee of a two-link leg (thigh = shank = half a leg), bent forward."""
    half = LEG_PX / 2
    d = ankle - hip
    dist = np.minimum(np.linalg.norm(d, axis=1), 2 * half * 0.999)
    unit = d / np.linalg.norm(d, axis=1)[:, None]
    along = dist / 2
    across = np.sqrt(half**2 - along**2)
    normal = np.stack([unit[:, 1], -unit[:, 0]], 1) * f
    # The knee sits forward of the hip-ankle line (in the running direction).
    normal *= np.where((normal[:, 0] * f) >= 0, 1, -1)[:, None]
    return hip + unit * along[:, None] + normal * across[:, None]


def _swap_labels(xy: np.ndarray, vis: np.ndarray, rng: np.random.Generator, share: float) -> None:
    n = xy.shape[0]
    swapped = np.zeros(n, dtype=bool)
    while swapped.mean() < share:
        start = int(rng.integers(0, n))
        swapped[start : start + int(rng.integers(2, 8))] = True
    pairs = [
        (INDEX[f"left_{p}"], INDEX[f"right_{p}"])
        for p in ("knee", "ankle", "heel", "toe", "elbow", "wrist")
    ]
    for a, b in pairs:
        xy[swapped, a], xy[swapped, b] = xy[swapped, b].copy(), xy[swapped, a].copy()
        vis[swapped, a], vis[swapped, b] = vis[swapped, b].copy(), vis[swapped, a].copy()

"""A form analysis's measures in words, as the Form page and the physio report show them.

```python
measure_rows(document["metrics"])
# [{"name": "Cadence", "value": "170 steps/min", "approximate": False}, ...]
```
Pure: the analysis document (`backstride form --format json`) in, rows out.
"""

from __future__ import annotations

from typing import Any

__all__ = ["measure_rows"]

HEAD_WORDS = {
    "neutral": "neutral",
    "slight": "slightly forward",
    "marked": "well forward",
}
TREND_WORDS = {
    "steady": "steady",
    "more_lean": "leaning more by the end",
    "less_lean": "leaning less by the end",
}


def measure_rows(m: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The measures as rows: name, value in words, and whether it is only approximate."""
    if m is None:
        return []
    rows: list[dict[str, Any]] = []

    def add(name: str, value: str, approximate: bool = False) -> None:
        rows.append({"name": name, "value": value, "approximate": approximate})

    if m.get("cadence_spm") is not None:
        add("Cadence", f"{m['cadence_spm']:.0f} steps/min")
    over = m.get("overstride") or {}
    if over.get("heel_ahead_leg_lengths") is not None:
        add(
            "Heel ahead of the hips at landing", f"{over['heel_ahead_leg_lengths']:.2f} leg lengths"
        )
    if over.get("shank_angle_deg") is not None:
        add("Shin at landing", f"{over['shank_angle_deg']:.0f}° past vertical")
    if m.get("trunk_lean_deg") is not None:
        lean = m.get("trunk_lean") or {}
        category = str(lean.get("category") or "").replace("_", " ")
        trend = TREND_WORDS.get(str(lean.get("trend")), "")
        words = ", ".join(w for w in (category, trend) if w)
        add("Trunk lean", f"{m['trunk_lean_deg']:.0f}° forward" + (f" ({words})" if words else ""))
    if m.get("head_forward") is not None:
        head = HEAD_WORDS.get(m["head_forward"], m["head_forward"])
        degrees = m.get("head_forward_deg")
        add("Head", head + (f" ({degrees:.0f}° ahead of the trunk line)" if degrees else ""))
    if m.get("elbow_angle_deg") is not None:
        add("Elbow (near arm)", f"{m['elbow_angle_deg']:.0f}°")
    if m.get("vertical_oscillation_leg_lengths") is not None:
        add("Bounce", f"{m['vertical_oscillation_leg_lengths']:.2f} leg lengths", approximate=True)
    return rows

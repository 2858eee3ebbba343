"""Sport names: every reader maps what its format says onto lower-case FIT sport names.

FIT files already carry FIT names. GPX `<type>`, TCX `Sport=`, Strava's "Activity Type" (English
or German) and Garmin Connect's `typeKey` are mapped here, so every layer above sees one
vocabulary: `running`, `cycling`, `swimming`, `walking`, `hiking`, ... and `generic` when the file
does not say.
Running keeps its sub-sport (street, trail, track, treadmill); `None` means no sub-sport.
"""

from __future__ import annotations

import re

Sport = tuple[str, str | None]

GENERIC: Sport = ("generic", None)

# Keys are lower-case with spaces, dashes and dots removed (see `_key`).
_NAMES: dict[str, Sport] = {
    # running
    "run": ("running", None),
    "running": ("running", None),
    "streetrunning": ("running", "street"),
    "roadrunning": ("running", "street"),
    "trailrun": ("running", "trail"),
    "trailrunning": ("running", "trail"),
    "trackrunning": ("running", "track"),
    "treadmillrunning": ("running", "treadmill"),
    "treadmill": ("running", "treadmill"),
    "indoorrunning": ("running", "indoor_running"),
    "virtualrun": ("running", "virtual_activity"),
    "lauf": ("running", None),
    "laufen": ("running", None),
    "trailrunlauf": ("running", "trail"),
    "virtuellerlauf": ("running", "virtual_activity"),
    # cycling
    "ride": ("cycling", None),
    "bike": ("cycling", None),
    "biking": ("cycling", None),
    "cycling": ("cycling", None),
    "roadbiking": ("cycling", "road"),
    "mountainbiking": ("cycling", "mountain"),
    "mountainbikeride": ("cycling", "mountain"),
    "gravelride": ("cycling", "gravel_cycling"),
    "gravelcycling": ("cycling", "gravel_cycling"),
    "ebikeride": ("cycling", "e_bike_fitness"),
    "indoorcycling": ("cycling", "indoor_cycling"),
    "virtualride": ("cycling", "virtual_activity"),
    "radfahrt": ("cycling", None),
    "radfahren": ("cycling", None),
    "virtuellesradfahren": ("cycling", "virtual_activity"),
    "ebikefahrt": ("cycling", "e_bike_fitness"),
    "gravelbikefahrt": ("cycling", "gravel_cycling"),
    "mountainbikefahrt": ("cycling", "mountain"),
    # walking, hiking
    "walk": ("walking", None),
    "walking": ("walking", None),
    "spaziergang": ("walking", None),
    "gehen": ("walking", None),
    "hike": ("hiking", None),
    "hiking": ("hiking", None),
    "wanderung": ("hiking", None),
    "wandern": ("hiking", None),
    # swimming
    "swim": ("swimming", None),
    "swimming": ("swimming", None),
    "lapswimming": ("swimming", "lap_swimming"),
    "openwaterswimming": ("swimming", "open_water"),
    "schwimmen": ("swimming", None),
    # others that runners log
    "rowing": ("rowing", None),
    "indoorrowing": ("rowing", "indoor_rowing"),
    "rudern": ("rowing", None),
    "nordicski": ("cross_country_skiing", None),
    "crosscountryskiing": ("cross_country_skiing", None),
    "elliptical": ("fitness_equipment", "elliptical"),
    "weighttraining": ("training", "strength_training"),
    "strengthtraining": ("training", "strength_training"),
    "gewichtstraining": ("training", "strength_training"),
    "krafttraining": ("training", "strength_training"),
    "workout": ("training", None),
    "yoga": ("training", "yoga"),
    "transition": ("transition", None),
    "other": GENERIC,
    "generic": GENERIC,
}

# Strava writes its own activity type numbers into GPX `<type>`. Only the two confirmed by files
# whose sport is known are mapped (1: a ride, 9: a run); other numbers stay generic.
_STRAVA_GPX_CODES: dict[str, Sport] = {"1": ("cycling", None), "9": ("running", None)}

# A FIT sub-sport that says nothing more than the sport is dropped.
_EMPTY_SUB_SPORTS = frozenset({"generic", "all"})


def _key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


def sport_from_name(text: str | None) -> Sport:
    """Map a sport name written by an app or a device onto a FIT sport and sub-sport.

    >>> sport_from_name("Trail Run")
    ('running', 'trail')
    """
    if not text:
        return GENERIC
    text = text.strip()
    if text in _STRAVA_GPX_CODES:
        return _STRAVA_GPX_CODES[text]
    return _NAMES.get(_key(text), GENERIC)


def fit_sport(sport: str | int | None, sub_sport: str | int | None) -> Sport:
    """Normalise a FIT sport and sub-sport pair (names, or numbers the profile does not know)."""
    name = sport if isinstance(sport, str) else ("generic" if sport is None else f"sport_{sport}")
    sub: str | None
    if sub_sport is None:
        sub = None
    elif isinstance(sub_sport, str):
        sub = sub_sport
    else:
        sub = f"sub_sport_{sub_sport}"
    if sub in _EMPTY_SUB_SPORTS:
        sub = None
    return name, sub

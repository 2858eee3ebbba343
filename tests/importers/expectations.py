"""What each corpus file must give: its sessions (sport, sub-sport, distance), or why not.

Distances are the devices' session totals for FIT and lap totals for TCX; GPX distances are
computed (see backstride.importers.track) and checked to the metre. Every file in a manifest must
appear here, so a new corpus file cannot go untested.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    sport: str
    sub_sport: str | None = None
    distance_m: float | None = None


@dataclass(frozen=True)
class Imported:
    sessions: tuple[Session, ...]
    date: str | None = None  # the start date (UTC), where it is worth pinning


@dataclass(frozen=True)
class Refused:
    status: str  # "skipped" or "failed"
    reason: str  # a phrase the reason must contain


def one(sport: str, sub: str | None = None, distance: float | None = None) -> Imported:
    return Imported((Session(sport, sub, distance),))


_TRIATHLON = ("swimming", "transition", "cycling", "transition", "running")

EXPECTED: dict[str, Imported | Refused] = {
    # fit/
    "fff_tpv_20251120.fit": one("cycling", "virtual_activity", 33970.0),
    "fitdecode_garmin-fr935-cr.fit": one("swimming", None, 0.0),
    "fitfiler_garmin-edge530-ride.fit": one("cycling", "road", 38762.99),
    "fitfiler_garmin-fenix6-swim.fit": one("swimming", "open_water", 500.98),
    "fitparse_2013-02-06-12-11-14.fit": one("running", None, 4835.38),
    "fitparse_20170518-191602-1740899583.fit": one("fitness_equipment", "indoor_rowing", 0.0),
    "fitparse_2019-02-17-062644-ELEMNT-297E-195-0.fit": one("cycling", None, 78940.55),
    "fitparse_Edge810-Vector-2013-08-16-15-35-10.fit": one("cycling", None, 41339.38),
    "fitparse_MonitoringFile.fit": Refused("skipped", "not an activity (monitoring file)"),
    "fitparse_Settings.fit": Refused("skipped", "not an activity (settings file)"),
    "fitparse_WorkoutRepeatSteps.fit": Refused("skipped", "not an activity (workout file)"),
    "fitparse_activity-large-fenxi2-multisport.fit": Imported(
        tuple(
            Session(s)
            for s in (
                "generic",
                "transition",
                "running",
                "transition",
                "running",
                "transition",
                "cycling",
            )
        )
    ),
    "fitparse_activity-small-fenix2-run.fit": one("running", None, 9008.22),
    # Relative times (seconds since power-on), anchored by the activity message's local time.
    "fitparse_compressed-speed-distance.fit": Imported(
        (Session("running", None, 10248.67),), date="2012-02-13"
    ),
    "fitparse_coros-pace-2-cycling-misaligned-fields.fit": one("cycling", None, 32145.76),
    "fitparse_developer-types-sample.fit": one("running", None, 6753.99),
    "fitparse_garmin-edge-500-activity.fit": one("cycling", None, 92622.34),
    "fitparse_sample_mulitple_header.fit": Imported(
        (Session("swimming", "open_water"), *(Session(s) for s in _TRIATHLON[1:]))
    ),
    "goldencheetah_14582164182.fit.gz": one("cycling", "virtual_activity", 14921.2),
    "goldencheetah_20130716_202738.fit": one("cycling", None, 4301.04),
    "goldencheetah_Fr955v19.28andStryd.fit": one("running", None, 10021.48),
    "goldencheetah_Garmin830_with_Stages.fit": one("cycling", None, None),
    "goldencheetah_Move_2020_01_15_19_27_16_Running.fit": one("running", None, 2338.0),
    "goldencheetah_MultiSport-2019-11-24.fit": Imported(
        (Session("swimming", "open_water", 3879.38), *(Session(s) for s in _TRIATHLON[1:]))
    ),
    "goldencheetah_RowingCIQspeed.FIT": one("rowing", "indoor_rowing", 0.0),
    "gpsbabel_garmin-vivosmart-hr.fit": one("running", None, 46.46),
    "muktihari_triathlon_summary_last.fit": Imported(
        (Session("swimming", "open_water", 513.26), *(Session(s) for s in _TRIATHLON[1:]))
    ),
    "runalyze_FR630-with-lth.fit": one("running", None, 2029.94),
    "runalyze_FR735XT-with-performance-condition.fit": one("running", None, 10193.88),
    "runalyze_FR920xt-with-Stryd.fit": one("running", None, 7254.93),
    "runalyze_FR920xt-with-runscribe-plus.fit": one("running", "treadmill", 5006.48),
    "runalyze_Fenix-2-negative-times.fit": one("generic", None, 9098.71),
    "runalyze_IPBike-cadence.fit": one("cycling", None, 39952.0),
    "runalyze_Multisession.fit": Imported(
        (Session("running", None, 4110.73), Session("running", None, 3745.72))
    ),
    "runalyze_Suunto-Ambit-3-Peak-without-final-lap.fit": one("running", None, None),
    "runalyze_Zwift-bad-training-effect.fit": one("cycling", "indoor_cycling", 16721.05),
    "runalyze_garmin-runPower.fit": one("running", None, 25601.78),
    "runpandas_run.fit": one("running", None, 5839.77),
    "sportstracker_Garmin_Fenix_6S_Pro-Running.fit": one("running", None, 588.21),
    "sweatpy_4801048867.fit": one("cycling", None, 36322.85),
    # gpx/ (distances computed from the points; no distance across gaps between segments)
    "goldencheetah_MetadataOnly.gpx": Refused("failed", "no track points"),
    "goldencheetah_Move_2014_01_17_09_33_11.gpx": one("generic", None, 15538.59),
    "goldencheetah_UrbanBiker2019-04-18_16-12.gpx": one("generic", None, 21116.39),
    "gpxpy_cerknicko-jezero.gpx": one("generic", None, 4575.02),
    "gpxpy_korita-zbevnica.gpx": one("generic", None, 6261.54),
    "gpxpy_track-with-empty-segment.gpx": one("generic", None, 85.85),
    "gpxpy_unicode_with_bom.gpx": Refused("skipped", "waypoints only"),
    "runalyze_Movescount-mixed-extensions.gpx": one("generic", None, 4523.11),
    "runalyze_Route-only.gpx": Refused("skipped", "route"),
    "runalyze_break-between-trkseg.gpx": one("generic", None, 36458.93),
    "runalyze_garmin-ns3-extension.gpx": one("running", None, 117.98),
    "runalyze_hr-not-always-there.gpx": one("generic", None, 820.87),
    "runalyze_runkeeper-negative-time-step-at-start.gpx": one("generic", None, 22183.48),
    "runpandas_nike_run.gpx": one("generic", None, 8248.08),
    "runpandas_run.gpx": one("generic", None, 4806.84),
    "runpandas_strava_export.gpx": one("running", None, 12594.65),
    "sportstracker_bike-tour-garmin-oregon-with-heartrate.gpx": one("generic", None, 4494.38),
    "sweatpy_4801048867_strava.gpx": one("cycling", None, 36271.46),
    # tcx/
    "goldencheetah_2009_08_30_21_17_25.tcx": one("cycling", None, 18660.50),
    "goldencheetah_OWswim.tcx": one("generic", None, 975.0),
    "runalyze_Multisport.tcx": Imported(
        (
            Session("cycling", None, 2355.44),
            Session("running", None, 11458.04),
            Session("cycling", None, 2350.60),
        )
    ),
    "runalyze_Polar-one-lap-indoor-with-distance.tcx": one("cycling", None, 94.0),
    "runalyze_Runtastic.tcx": one("running", None, 113.0),
    "runalyze_Standard.tcx": one("running", None, 22224.30),
    "runalyze_Treadmill-doubled-cadence.tcx": one("running", None, 498.0),
    "runalyze_Wrong-time-zone-by-polar.tcx": one("running", None, 3642.60),
    "runalyze_missing-distances.tcx": one("running", None, 299.03),
    "runpandas_run.tcx": one("running", None, 4824.94),
    "runpandas_run_garmin.tcx": one("running", None, 2153.67),
    "sportstracker_Forerunner405-Running_CadenceSensor.tcx": one("running", None, 5598.58),
    "sweatpy_3173437224.tcx": one("running", None, 4508.50),
    "tcxreader_cross-country-skiing_activity_1.tcx": one("generic", None, 5692.01),
    # broken/
    "fitparse_activity-filecrc.fit": one("running", None, 5.73),
    "fitparse_activity-settings-corruptheader.fit": Refused("failed", "header is damaged"),
    "fitparse_activity-unexpected-eof.fit": Refused("failed", "file ends early at byte 768 of 771"),
    "fitparse_elemnt-bolt-no-application-id-inside-developer-data-id.fit": one(
        "cycling", None, 963.65
    ),
    "fitparse_nick.fit": Refused("failed", "runs past the end of the data"),
    "fitparse_strava-android-app-201.10-b1218918.fit": Refused(
        "failed", "file ends early at byte 78233 of 78252"
    ),
    "gpsbabel_lezyne_super_gps-garmin_fit-sample-bad-endian.fit": Refused("failed", "damaged"),
    "runpandas_malformed.tcx": Refused("failed", "XML is damaged or cut off"),
    "tormoder_mornindew-broken.fit": one("running", None, 16773.34),
}

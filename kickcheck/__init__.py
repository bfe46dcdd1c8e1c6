"""kickcheck: a form checker for recorded videos of glute kickbacks.

Library use::

    from kickcheck import analyze_video
    from kickcheck.report import to_dict

    report = analyze_video("set.mp4")  # raises a KickcheckError subclass on bad input
    print(report.exercise.is_kickback, report.exercise.variant, report.rep_count)
    for r in report.reps:
        print(r.rep.index, r.rep.top_s, r.hip_extension_deg, [f.rule_id for f in r.findings])
    doc = to_dict(report)  # the JSON document: doc["summary"]["rep_count"], doc["reps"], ...

MediaPipe's native log lines are silenced while it runs; nothing is printed.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "analyze_video"]


def __getattr__(name: str):  # lazy: importing kickcheck must not import mediapipe
    if name == "analyze_video":
        from kickcheck.pipeline import analyze_video

        return analyze_video
    raise AttributeError(name)

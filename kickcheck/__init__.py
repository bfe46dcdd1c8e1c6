"""kickcheck: a form checker for recorded videos of glute kickbacks.

Library use::

    from kickcheck import analyze_video
    report = analyze_video("set.mp4")
    print(report.summary.rep_count)
"""

__version__ = "0.1.0"

__all__ = ["__version__", "analyze_video"]


def __getattr__(name: str):  # lazy: importing kickcheck must not import mediapipe
    if name == "analyze_video":
        from kickcheck.pipeline import analyze_video

        return analyze_video
    raise AttributeError(name)

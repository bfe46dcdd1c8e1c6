"""Command line: ``kickcheck VIDEO`` (thin layer over ``pipeline.analyze_video``).

The contract at the door (``console.OneLineCommand``): every bad input, option, signal or output
path gives one line on stderr and a non-zero exit, never a traceback. Outputs are checked before
the analysis starts (writable, not the input, not two on one path) and written whole or not at
all (``atomic``). Progress goes to the real stderr, so ``--json -`` keeps stdout clean.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from kickcheck import __version__
from kickcheck.console import OneLineCommand, progress_bar, shared_options
from kickcheck.errors import CannotTellError, NotAKickbackError, OutputError
from kickcheck.quiet import quiet_native_stderr

# Quiet MediaPipe/TFLite's C++ logging before mediapipe is imported anywhere.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _versions() -> str:
    parts = [f"kickcheck {__version__}"]
    for mod in ("mediapipe", "cv2", "numpy", "av"):
        try:
            m = __import__(mod)
            parts.append(f"{'opencv' if mod == 'cv2' else mod} {getattr(m, '__version__', '?')}")
        except Exception:  # noqa: BLE001 - only for the version string
            parts.append(f"{mod} (not installed)")
    return ", ".join(parts)


def _print_config(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from kickcheck.config import default_config_text

        click.echo(default_config_text(), nl=False)
        ctx.exit(0)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_versions())
        ctx.exit(0)


@click.command(
    "kickcheck", cls=OneLineCommand, context_settings={"help_option_names": ["-h", "--help"]}
)
# A plain string: kickcheck checks the path itself (exit 2, one line), click's Path would not.
@click.argument("video")
@click.option(
    "--json", "json_path", metavar="PATH", help="Write the JSON report to PATH ('-' for stdout)."
)
@click.option("--csv", "csv_path", metavar="PATH", help="Write one CSV row per rep to PATH.")
@click.option(
    "--frames-csv",
    metavar="PATH",
    help="Write every frame to PATH (CSV): angles, landmarks, lumbar measures, rep and phase.",
)
@click.option(
    "--overlay",
    "overlay_path",
    metavar="PATH",
    help="Write the video with skeleton, angles, reps and flags drawn on it (H.264 MP4).",
)
# --- pages, plots and the OpenSim export (kickcheck.page, kickcheck.plots, kickcheck.export) ---
@click.option(
    "--html",
    "html_path",
    metavar="PATH",
    help="Write the report page to PATH (one self-contained HTML file).",
)
@click.option(
    "--plots", "plots_dir", metavar="DIR", help="Write the charts as PNG (200 dpi) into DIR."
)
@click.option("--mot", "mot_path", metavar="PATH", help="Write the angles as an OpenSim .mot file.")
# --- end pages ---
@shared_options
# --- speed (kickcheck.parallel, kickcheck.resample) ---
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Run the pose model on N processes, each on a part of the clip (default: the cores).",
)
@click.option(
    "--fast",
    is_flag=True,
    help="Run the pose model on about 15 frames per second (every 2nd frame at 30 fps).",
)
# --- end speed ---
@click.option(
    "--print-config",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_config,
    help="Print the commented default config and exit.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Print the versions of kickcheck, mediapipe, opencv, numpy and av, and exit.",
)
def analyse(
    video: str,
    json_path: str | None,
    csv_path: str | None,
    frames_csv: str | None,
    config_path: str | None,
    variant: str | None,
    side: str | None,
    quiet: bool,
    overlay_path: str | None = None,
    html_path: str | None = None,
    plots_dir: str | None = None,
    mot_path: str | None = None,
    jobs: int | None = None,
    fast: bool = False,
) -> None:
    """Check the form of a glute-kickback video: count the reps and flag faults rep by rep.

    Film from the side. Prints one line per rep and a verdict. Exit codes: 0 success,
    2 bad path or option, 3 unreadable video, 4 no person, 5 no kickbacks, 6 bad config,
    7 model, 8 output, 10 too short, 11 cannot tell from this camera angle; interrupted by a signal: 128 + its number (130 Ctrl-C).

    A folder of clips: `kickcheck batch FOLDER --out DIR` (see `kickcheck batch --help`).
    """
    from kickcheck.atomic import atomic_write_text, check_output_folder, check_outputs
    from kickcheck.config import load_config
    from kickcheck.export import frames_csv as make_frames_csv
    from kickcheck.parallel import default_jobs
    from kickcheck.pipeline import analyze_video
    from kickcheck.report import reps_csv, to_dict, to_text
    from kickcheck.video import probe

    cfg = load_config(config_path, variant=variant, side=side)
    info = probe(video)
    outputs = {
        "--json": json_path,
        "--csv": csv_path,
        "--frames-csv": frames_csv,
        "--overlay": overlay_path,
        "--html": html_path,
        "--mot": mot_path,
    }
    for option, path in outputs.items():
        if path == "-" and option != "--json":
            raise OutputError(
                f"{option} cannot write to stdout ('-')",
                hint="give a file name; only --json takes -",
            )
    inputs = {"the input video": video}
    if config_path:
        inputs["the config file"] = config_path
    check_outputs({k: v for k, v in outputs.items() if v and v != "-"}, inputs)
    if plots_dir:
        check_output_folder(plots_dir)

    with progress_bar(info.frames_expected or None, "analysing", enabled=not quiet) as update:
        with quiet_native_stderr():
            report = analyze_video(
                video, cfg, progress=update, jobs=jobs or default_jobs(), fast=fast
            )
    doc = to_dict(report)
    if json_path == "-":
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(to_text(report), nl=False)
        if json_path:
            atomic_write_text(json_path, json.dumps(doc, indent=2) + "\n")
    if csv_path:
        atomic_write_text(csv_path, reps_csv(report))
    if frames_csv:
        atomic_write_text(frames_csv, make_frames_csv(report))
    # --- overlay video (kickcheck.overlay) ---
    if overlay_path:
        from kickcheck.overlay import write_overlay

        total = report.video.frame_count or None
        with progress_bar(total, "overlay", enabled=not quiet) as update:
            write_overlay(video, report, overlay_path, progress=update)
    # --- end overlay ---
    # --- pages, plots and the OpenSim export ---
    if mot_path:
        from kickcheck.export import mot_text

        atomic_write_text(mot_path, mot_text(report))
    if plots_dir:
        from kickcheck.plots import write_plots

        write_plots(report, plots_dir)
    if html_path:
        from kickcheck.page import write_page

        write_page(video, report, html_path)
    # --- end pages ---
    if report.exercise.outcome == "cannot_tell":
        raise CannotTellError(report.exercise.reason)
    if not report.exercise.is_kickback:
        raise NotAKickbackError(report.exercise.reason)
    if report.rep_count == 0:
        raise NotAKickbackError("no complete kickback reps were found")


class KickcheckGroup(click.Group):
    """``kickcheck``: a group whose default command analyses one clip.

    ``kickcheck batch ...`` runs the ``batch`` command; anything else (``kickcheck clip.mp4``,
    ``kickcheck --help``, ``kickcheck --version``) goes to the one-clip command, so every option
    of the one-clip command keeps working. A clip named after a command: ``kickcheck ./batch``.
    """

    def __init__(self, default: click.Command, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default = default

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if argv and argv[0] in self.commands:
            command, argv = self.commands[argv[0]], argv[1:]
            prog_name = f"{prog_name or self.name} {command.name}"
        else:
            command = self.default
        return command.main(argv, prog_name, complete_var, standalone_mode, **extra)


def _group() -> KickcheckGroup:
    from kickcheck.batch import batch_command

    group = KickcheckGroup(analyse, name="kickcheck")
    group.add_command(batch_command)
    return group


#: The ``kickcheck`` command: ``kickcheck VIDEO [options]`` and ``kickcheck batch FOLDER``.
main = _group()


if __name__ == "__main__":  # pragma: no cover
    main()

"""EDGE: what every kickcheck command does at the terminal.

- :class:`OneLineCommand`: every failure is one line on stderr and a non-zero exit, never a
  traceback: click's own errors (a bad ``--variant``, an unknown option, a missing argument),
  kickcheck's errors (their own exit codes), interrupts and unexpected bugs.
- :func:`interrupts_raise`: SIGTERM and SIGHUP are handled like SIGINT. Each raises
  :class:`~kickcheck.errors.Interrupted` (a ``KeyboardInterrupt``), so temp files are removed on
  the way out, and the command exits with 128 + the signal's number.
- :func:`progress_bar`: a click progress bar with an ETA, drawn on the real stderr even while
  MediaPipe's native logging is silenced (``quiet``).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any, NoReturn

import click

from kickcheck.errors import Interrupted, KickcheckError
from kickcheck.quiet import terminal_stderr

ProgressFn = Callable[[int], None]

#: Signals that stop a run the way Ctrl-C does.
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

#: Set to 1 to get the traceback of an unexpected error instead of its one line.
DEBUG_ENV = "KICKCHECK_DEBUG"

EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + 13  # as if killed by SIGPIPE, what `cmd | head` shells expect


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _click_message(err: click.ClickException) -> str:
    """click's message as a clause: "invalid value for '--side': 'up' is not one of ..."."""
    text = one_line(err.format_message()).replace(". (", " (").rstrip(".")
    return text[:1].lower() + text[1:]


def fail(prog: str, message: str, code: int) -> NoReturn:
    """Print ``prog: message`` as one line on stderr and exit with ``code``."""
    click.echo(f"{prog}: {one_line(message)}", err=True)
    sys.exit(code)


@contextmanager
def interrupts_raise(signals: Sequence[signal.Signals] = STOP_SIGNALS) -> Iterator[None]:
    """Within the block, each of ``signals`` raises :class:`Interrupted` in the main thread.

    After the first one, further stop signals are ignored while the run cleans up. The previous
    handlers come back when the block ends. Outside the main thread this does nothing (Python
    only runs signal handlers there).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        for s in signals:
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {s: signal.getsignal(s) for s in signals}
    for s in signals:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)


def _interrupt_code(err: BaseException | None) -> tuple[str, int]:
    if isinstance(err, Interrupted):
        return f"interrupted ({err.name})", err.exit_code
    return "interrupted", 128 + int(signal.SIGINT)


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass


class OneLineCommand(click.Command):
    """A click command whose every failure is one line ``<name>: <what> (<what to do>)``.

    - click's errors (bad option value, unknown option, missing argument): exit 2;
    - a :class:`KickcheckError`: its own exit code;
    - SIGINT, SIGTERM, SIGHUP: ``interrupted (SIGTERM)``, exit 128 + the signal's number;
    - a broken stdout pipe (``kickcheck v.mp4 --json - | head``): silent, exit 141;
    - anything else (a bug): ``unexpected error: ...``, exit 1; ``KICKCHECK_DEBUG=1`` re-raises.

    ``--help`` and ``--version`` work as usual.
    """

    #: The name its messages start with (``"kickcheck batch"``); the command's name if None.
    prog: str | None = None

    def _prog(self) -> str:
        return self.prog or self.name or "kickcheck"

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        prog = self._prog()
        try:
            with interrupts_raise():
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as err:
            fail(prog, f"{_click_message(err)} (see `{prog} --help`)", EXIT_USAGE)
        except click.ClickException as err:
            fail(prog, _click_message(err), err.exit_code or EXIT_UNEXPECTED)
        except click.Abort as err:  # click's wrapper of a KeyboardInterrupt while parsing
            fail(prog, *_interrupt_code(err.__cause__))
        except KeyboardInterrupt as err:
            fail(prog, *_interrupt_code(err))
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        prog = self._prog()
        try:
            return super().invoke(ctx)
        except KickcheckError as err:
            fail(prog, err.one_line(), err.exit_code)
        except KeyboardInterrupt as err:
            fail(prog, *_interrupt_code(err))
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:
            if os.environ.get(DEBUG_ENV):
                raise
            fail(
                prog,
                f"unexpected error: {type(err).__name__}: {err} "
                f"(please report it; {DEBUG_ENV}=1 shows the traceback)",
                EXIT_UNEXPECTED,
            )


def shared_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options every kickcheck command takes: ``--config``, ``--variant``, ``--side``, ``-q``
    (parameters ``config_path``, ``variant``, ``side``, ``quiet``)."""
    options: list[Callable[[Any], Any]] = [
        click.option(
            "--config", "config_path", metavar="FILE", help="TOML config overriding the defaults."
        ),
        click.option(
            "--variant", type=click.Choice(["quadruped", "standing"]), help="Force the variant."
        ),
        click.option(
            "--side",
            type=click.Choice(["left", "right"]),
            help="Force the working side (the person's own).",
        ),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@contextmanager
def progress_bar(
    length: int | None, label: str, enabled: bool = True
) -> Iterator[ProgressFn | None]:
    """A progress callback (``update(n_frames)``) drawing a bar with an ETA, or None.

    The bar is drawn on the real stderr (:func:`kickcheck.quiet.terminal_stderr`), so it keeps
    moving while fd 2 is pointed at /dev/null to hide MediaPipe's native logs. None when disabled
    or when stderr is not a terminal (a log file gets no bar).
    """
    stream = terminal_stderr() if enabled else None
    if stream is None:
        yield None
        return
    try:
        bar: Any
        with click.progressbar(
            length=length, label=label, file=stream, show_eta=True, show_pos=length is None
        ) as bar:
            yield _Update(bar)
    finally:
        stream.close()


class _Update:
    """The progress callback of a bar: ``update(n)`` frames done; ``update.extend(n)`` n more to
    come (the search for the exerciser reads a shot again), so the bar and its ETA stay honest."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def __call__(self, n: int) -> None:
        self._bar.update(n)

    def extend(self, n: int) -> None:
        if self._bar.length is not None:
            self._bar.length += n
            self._bar.finished = self._bar.pos >= self._bar.length  # click stops at "finished"
            self._bar.render_progress()

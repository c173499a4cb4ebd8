"""The ``timeline`` command (and ``python -m timeline``): ``--version`` without importing typer."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys


class _Closed(io.RawIOBase):
    """Standard output that was closed before we started (``timeline list >&-``): writing to it
    fails like writing to a closed descriptor, so the command reports it and exits 1."""

    reported = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.reported:  # said once; what is flushed at exit goes nowhere, without a second error
            return len(data)
        self.reported = True
        raise OSError(errno.EBADF, "standard output is closed")


def _guard_standard_streams() -> None:
    """Keep descriptors 0-2 taken (by /dev/null) when the caller closed them, so no file this
    process opens (a store, a lock) becomes its stdout; writes to a closed stdout then fail."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if name == "stdout":
            sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Closed()), encoding="utf-8")
        else:
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False))  # noqa: SIM115


def main(*, teardown: bool = False) -> None:
    """Console-script entry point: exits with the status of ``timeline.cli.run``.

    The process ends without the interpreter's teardown (see ``_exit``); ``teardown=True``
    raises SystemExit instead, for callers that go on running (the tests)."""
    argv = sys.argv[1:]
    if sys.stdout is None or sys.stderr is None or sys.stdin is None:
        _guard_standard_streams()
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 locale: show what it cannot encode
        if (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    if argv == ["--version"]:
        from timeline import __version__

        sys.stdout.write(f"timeline {__version__}\n")
        return
    if argv[:1] == ["__complete"]:  # a shell asking for completions: no typer run, no rich
        from timeline.cli._complete import main as complete

        sys.exit(complete(argv[1:]))
    from timeline.cli import run

    status = run(argv)
    if teardown:
        sys.exit(status)
    _exit(status)


def _exit(status: int) -> None:
    """Exit without tearing the interpreter down: freeing a large store's objects one by one
    costs more than the rest of a warm write (a tenth of ``add`` at 100,000 events). Everything
    we wrote is closed by then; the standard streams are flushed here."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 1
    os._exit(status)


if __name__ == "__main__":
    main()

"""The one user-facing error type of Klong, and its rendering with a caret."""

from __future__ import annotations


class KlongError(Exception):
    """A failure of a Klong program: a message, and where in which source it happened."""

    detail: str | None = None  # the host's own words for an internal failure

    def __init__(self, message: str, pos: int | None = None, source: str | None = None,
                 origin: str | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.source = source
        self.origin = origin  # a file name, when the source came from a file

    def locate(self, pos: int | None, source: str | None, origin: str | None = None) -> "KlongError":
        """Attach a position unless a more precise one is already known."""
        if self.pos is None and pos is not None:
            self.pos, self.source = pos, source
            if origin is not None:
                self.origin = origin
        return self

    def reworded(self, message: str) -> "KlongError":
        """The same error (its class, limit, position) with another message: a
        host catching ``LimitError`` still catches it through ``.E``."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.args, new.message = (message,), message
        return new

    def line_col(self) -> tuple[int, int] | None:
        if self.pos is None or self.source is None:
            return None
        before = self.source[: self.pos]
        return before.count("\n") + 1, self.pos - (before.rfind("\n") + 1)

    def render(self) -> str:
        """The message, then the offending line with a caret under the position."""
        where = self.line_col()
        if where is None:
            return self.message
        from .text import to_text
        line_no, col = where
        line = self.source.split("\n")[line_no - 1]
        head = f"{self.origin}:{line_no}: " if self.origin else (f"line {line_no}: " if self.source.count("\n") else "")
        col = len(to_text(line[:col]))  # the source is bytes: count what the terminal shows
        return to_text(f"{head}{self.message}\n  {line}\n  {' ' * col}^")

    def _render_traceback_(self) -> list[str]:
        """IPython and Jupyter show these lines instead of a Python traceback."""
        return ("error: " + self.render()).split("\n")

    def __str__(self) -> str:
        # what the CLI shows: a traceback or a notebook names the line and the caret too
        return self.render()


class KlongSetupError(KlongError):
    """The requested backend or device cannot be set up (not installed, broken,
    ambiguous, or an unusable device). The message says what to do."""


class KlongBrokenPipe(KlongError):
    """An output stream's reader went away (``klong prog | head``)."""


class KlongIncomplete(KlongError):
    """The source ended inside an open bracket, brace or string (the REPL reads on)."""


class KlongExit(SystemExit):
    """Raised by .x to end the program with a status. A SystemExit, so that no
    ``except Exception`` on the way up turns it into an error."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status

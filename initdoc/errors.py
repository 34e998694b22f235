"""The one user-facing error type, and the "unknown name" message every lookup shares."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(ValueError):
    """A mistake a person can fix; the CLI prints it as one line and exits with status 2."""

    def __init__(self, message: str):
        super().__init__(one_line(str(message)))


def unknown(what: str, name: object, known: Iterable[str], *, see: str | None = None) -> str:
    """ "unknown WHAT 'NAME'; known: a, b, c. Did you mean 'b'?" (the hint only if one is close).

    With `see`, a list too long for one line is not written out but named: "unknown WHAT 'NAME'
    (see figures/results.json). Did you mean 'b'?".
    """
    known = list(known)
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    listed = f" (see {see})" if see else f"; known: {', '.join(known)}"
    return f"unknown {what} '{name}'{listed}.{hint}"


def one_line(message: str) -> str:
    """`message` with line breaks and other control characters escaped, so it is one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)

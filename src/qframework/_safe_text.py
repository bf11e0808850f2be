"""Text on its way to a terminal, a TOML file or a workbook: control and bidi characters escaped.

A file's titles, names, periods and notes are data. Printed raw, an escape sequence in one can
retitle or clear a terminal, a right-to-left override can reorder what is shown, and in a TOML
file or a workbook a control character makes the output unreadable (TOML refuses it; openpyxl
raises ``IllegalCharacterError``). :func:`escape_controls` writes each such character as the
escape a reader recognises (``\\x1b``, ``\\u202e``); everything else is left as it is.
"""

from __future__ import annotations

import re
from typing import TypeGuard

__all__ = ["CONTROL", "escape_controls", "is_plain_id", "quote_text"]

#: C0 controls but tab and line feed, DEL, C1 controls, the bidi controls (embeddings, overrides,
#: isolates, marks), zero-width characters and the byte-order mark, and lone surrogates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
_KEEP_CR_LF = re.compile(
    "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_u(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str, *, keep_crlf: bool = False, toml: bool = False) -> str:
    """``text`` with every character of :data:`CONTROL` escaped as ``\\x1b`` / ``\\u202e``.

    ``keep_crlf``: a CR before a LF stays (CSV lines). ``toml``: always ``\\u001b``, the form TOML
    and JSON strings know (for text already inside quotes).
    """
    if text.isascii() and text.isprintable():
        return text
    pattern = _KEEP_CR_LF if keep_crlf else CONTROL
    return pattern.sub(_escape_u if toml else _escape, text)


def is_plain_id(value: object) -> TypeGuard[str]:
    """Text an id could be: no whitespace, nothing a terminal would act on. Others are not repeated."""
    return isinstance(value, str) and bool(value) and value.isprintable() and not any(c.isspace() for c in value)


def quote_text(value: str, limit: int = 40) -> str:
    """A text from a file, quoted for a problem message, or described when it may be personal data.

    A text with spaces where an id belongs is, as often as not, a person's name typed into the wrong
    field: it is described (``a text of 16 characters with spaces``), not repeated. Other texts are
    quoted with control and bidi characters escaped and cut to ``limit`` characters.
    """
    if any(c.isspace() for c in value):
        return f"a text of {len(value)} characters with spaces (not repeated: it may be a name)"
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return ascii(shown) if not shown.isprintable() else repr(shown)

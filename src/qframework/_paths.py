"""Problem paths a person can follow: the element's id next to its index, and the TOML line.

:class:`~qframework.errors.Problem` keeps ``path`` plain (programs map it to a field or a cell) and
carries the annotated form in ``shown_path``, which is what people read.

``dimensions[2].number`` makes the reader count ``[[dimensions]]`` blocks by hand;
``dimensions[2] (zugang-familien).number`` names the one they wrote, and ``file.toml:41:`` says
where it starts. Both are added after validation, from the data and the text that were read: the
problems themselves are found on plain indexed paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ._safe_text import is_plain_id
from .errors import Problem

__all__ = ["annotate", "plain_path", "toml_line_map"]

_SEGMENT = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_ANNOTATION = re.compile(r"\[(\d+)\] \([^()]*\)")


def plain_path(path: str) -> str:
    """``dimensions[2] (netzwerk).number`` → ``dimensions[2].number``."""
    return _ANNOTATION.sub(r"[\1]", path)


def _segments(path: str) -> list[str | int]:
    return [int(index) if index else str(key) for index, key in _SEGMENT.findall(path)]


def with_ids(path: str, data: Any) -> str:
    """``path`` with the id of every list element on the way that has one: ``dimensions[2] (netzwerk).number``."""
    if "[" not in path:
        return path
    out: list[str] = []
    node: Any = data
    for segment in _segments(path):
        if isinstance(segment, int):
            out.append(f"[{segment}]")
            node = node[segment] if isinstance(node, list) and 0 <= segment < len(node) else None
            ident = node.get("id") if isinstance(node, Mapping) else None
            if is_plain_id(ident):  # an id with spaces may be a name typed into the wrong field
                shown = ident if len(ident) <= 40 else ident[:37] + "..."
                out.append(f" ({shown})")
        else:
            out.append(f".{segment}" if out else segment)
            node = node.get(segment) if isinstance(node, Mapping) else None
    return "".join(out)


# -- TOML line numbers ---------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=""")


def _split_key(key: str) -> list[str]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_\-]+)""", key)
    return [a or b or c for a, b, c in parts]


def toml_line_map(text: str) -> dict[str, int]:
    """The line (1-based) where each table, array-of-tables element and key of a TOML text starts.

    A light scan, not a parser: it follows ``[table]`` and ``[[array]]`` headers (counting array
    elements as the data does) and ``key =`` lines, and skips multi-line strings. A path not in
    the map takes the line of its nearest ancestor (see :func:`line_of`).
    """
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}  # array-of-tables path (with indices of its parents) -> elements seen
    prefix = ""
    in_string: str | None = None
    array: _Array | None = None  # a `key = [` array spread over several lines
    for number, line in enumerate(text.splitlines(), start=1):
        if array is not None:
            if not array.feed(line, number, lines):
                array = None
            continue
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header and header.group(1) == header.group(3).replace("]", "["):
            keys = _split_key(header.group(2))
            path = _resolve(keys[:-1], counts)
            path = f"{path}.{keys[-1]}" if path else keys[-1]
            if header.group(1) == "[[":
                index = counts.get(path, 0)
                counts[path] = index + 1
                path = f"{path}[{index}]"
            prefix = path
            lines.setdefault(path, number)
            continue
        key = _KEY.match(line)
        if key:
            path = ".".join([prefix, *_split_key(key.group(1))] if prefix else _split_key(key.group(1)))
            lines.setdefault(path, number)
            rest = line[key.end() :]
            if rest.lstrip().startswith("["):
                array = _Array(path)
                if not array.feed(rest, number, lines):
                    array = None
                continue
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote
    return lines


class _Array:
    """The lines of the elements of an inline array (``levels = [`` then one ``{ … }`` per line).

    Each element's path (``scales[0].levels[2]``) gets the line it starts on, so a problem of a
    level is reported at that level, not at ``levels = [``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.depth = 0
        self.index = 0
        self.expecting = True
        self.quote: str | None = None

    def feed(self, text: str, number: int, lines: dict[str, int]) -> bool:
        """Scan one line of the array; ``False`` once the array is closed."""
        escaped = False
        for char in text:
            if self.quote is not None:
                if escaped:
                    escaped = False
                elif char == "\\" and self.quote == '"':
                    escaped = True
                elif char == self.quote:
                    self.quote = None
                continue
            if char == "#":
                break
            if char.isspace():
                continue
            if self.depth == 1 and self.expecting and char not in ",]":
                lines.setdefault(f"{self.path}[{self.index}]", number)
                self.index += 1
                self.expecting = False
            if char in "\"'":
                self.quote = char
            elif char in "[{":
                self.depth += 1
            elif char in "]}":
                self.depth -= 1
                if self.depth == 0:
                    return False
            elif char == "," and self.depth == 1:
                self.expecting = True
        return True


def _resolve(keys: list[str], counts: Mapping[str, int]) -> str:
    """A header's path, each array of tables on the way at its current (last) element."""
    path = ""
    for key in keys:
        path = f"{path}.{key}" if path else key
        if path in counts:
            path = f"{path}[{counts[path] - 1}]"
    return path


def line_of(path: str, lines: Mapping[str, int]) -> int | None:
    """The line of ``path`` or of its nearest ancestor in ``lines``; ``None`` for the document itself."""
    plain = plain_path(path)
    while plain:
        if plain in lines:
            return lines[plain]
        cut = max(plain.rfind("."), plain.rfind("["))
        plain = plain[:cut] if cut > 0 else ""
    return None


def annotate(problems: Iterable[Problem], data: Any, text: str | None = None) -> list[Problem]:
    """The problems with ids in their paths and, given the TOML ``text``, their line numbers."""
    lines = toml_line_map(text) if text is not None else None
    out = []
    for problem in problems:
        line = problem.line
        if lines is not None and line is None:
            line = line_of(problem.path, lines)
        shown = problem.shown_path or with_ids(problem.path, data)
        out.append(
            Problem(
                problem.path,
                problem.message,
                line,
                "" if shown == problem.path else shown,
                problem.code,
                problem.params,
            )
        )
    if lines is not None:  # in the order of the file
        out.sort(key=lambda p: p.line or 0)
    return out

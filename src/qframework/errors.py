"""Errors raised by qframework.

Every error a user can trigger derives from :class:`QFrameworkError`, so a CLI or a web app can
catch one type and show the message without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .frozen import FrozenMap
from .messages import Coded, Note, Param, frozen_params

__all__ = [
    "InfeasibleAssignment",
    "NotFound",
    "PluginError",
    "Problem",
    "QFrameworkError",
    "UnknownOption",
    "ValidationError",
    "printable",
    "sort_problems",
]


class QFrameworkError(Exception):
    """Base class of every error qframework raises on purpose."""


@attrs.frozen
class Problem(Coded):
    """One thing wrong with a file or an object.

    ``path`` points into the data (``dimensions[2].indicators[0].scale``), for programs that map a
    problem to a field; an empty path means the document as a whole. ``shown_path`` is the same
    path as a person reads it, naming each element's id where it has one
    (``dimensions[2] (netzwerk).indicators[0] (netzwerk-steuerung).scale``); ``str()`` uses it.
    ``line`` is the line of a TOML file where the element starts, where it could be told.

    ``code`` and ``params`` are the problem as data (:class:`~qframework.messages.Note`):
    :attr:`text` and ``str()`` word it in the active language, ``message`` is its English wording
    (for logs; the same whatever language was active). Build one with :meth:`of`.
    """

    path: str
    message: str
    line: int | None = None
    shown_path: str = ""
    code: str = ""
    params: FrozenMap[str, Param] = attrs.field(factory=FrozenMap, converter=frozen_params)

    @classmethod
    def of(cls, path: str, code: str, /, **params: Param) -> Problem:
        """The problem ``code`` (a key of :data:`qframework.messages.TEMPLATES`) at ``path``."""
        note = Note(code, params)
        return cls(path, note.english, code=code, params=note.params)

    def at(self, path: str) -> Problem:
        """The same problem (code, parameters, message) at another ``path`` (without line and shown path)."""
        return Problem(path, self.message, code=self.code, params=self.params)

    def __str__(self) -> str:
        # Paths hold keys from the file: a right-to-left override or a NUL is shown escaped.
        path = self.shown_path or self.path
        return printable(f"{path}: {self.text}" if path else self.text)


class ValidationError(QFrameworkError, ValueError):
    """Data did not validate; carries *every* problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem], file: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.file = file
        super().__init__(self._render())

    def __str__(self) -> str:
        # worded when shown, in the language active then (not the one active when it was raised)
        return self._render()

    def _render(self) -> str:
        from .i18n import gettext_, ngettext

        head = f"{printable(self.file)}: " if self.file else ""
        count = len(self.problems)
        lines = [head + ngettext("{count} problem:", "{count} problems:", count).format(count=count)]
        line = gettext_("line {line}: {problem}")
        lines += ["  " + line.format(line=p.line, problem=p) if p.line else f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def lines(self) -> list[str]:
        """One ``file: path: message`` (``file:41: path: message``) line per problem, as the CLI prints them,
        in the active language."""
        from .i18n import gettext_

        out = []
        file = printable(self.file) if self.file else ""
        line = gettext_("line {line}: {problem}")
        for p in self.problems:
            if file:
                out.append(f"{file}:{p.line}: {p}" if p.line else f"{file}: {p}")
            else:
                out.append(line.format(line=p.line, problem=p) if p.line else str(p))
        return out

    def with_file(self, file: str) -> ValidationError:
        """The same problems, attributed to ``file``."""
        return ValidationError(self.problems, file)

    def nested(self, prefix: str) -> ValidationError:
        """The same problems with ``prefix`` put in front of every path."""
        return ValidationError(
            (
                Problem(
                    join_path(prefix, p.path),
                    p.message,
                    p.line,
                    join_path(prefix, p.shown_path) if p.shown_path else "",
                    p.code,
                    p.params,
                )
                for p in self.problems
            ),
            self.file,
        )


class PluginError(QFrameworkError):
    """A plugin could not be loaded, or two plugins claim the same id."""


class InfeasibleAssignment(QFrameworkError):
    """The assignment rules cannot all be met; ``rule`` names the one that fails."""

    def __init__(self, rule: str, message: str, *, note: Note | None = None) -> None:
        self.rule = rule
        #: the reason as a :class:`~qframework.messages.Note` (``message`` is its English wording)
        self.note = note
        super().__init__(f"{rule}: {message}")

    @classmethod
    def of(cls, rule: str, code: str, /, **params: Param) -> InfeasibleAssignment:
        """The failing ``rule`` and why, as the code ``code`` of :data:`qframework.messages.TEMPLATES`."""
        note = Note(code, params)
        return cls(rule, note.english, note=note)

    def __str__(self) -> str:  # worded when shown, in the active language
        if self.note is not None:
            return f"{self.rule}: {self.note.text}"
        return super().__str__()


class NotFound(QFrameworkError, KeyError):
    """A framework, programme, crosswalk, indicator or participant id is not known.

    A :class:`KeyError` too, so that the ``Mapping`` mixins (``get``, ``in``) of read-only
    collections work with lookups that raise it; its message is not quoted like a bare key's.

    Every lookup by id (``framework.dimension(id)``, ``registry.frameworks[id]``,
    ``rules.topic(id)``, …) raises this, built by :meth:`unknown`, so the message always names the
    known ids and suggests the closest one.
    """

    def __init__(
        self, message: str, *, kind: str = "", key: object = None, known: tuple[str, ...] = (), note: Note | None = None
    ) -> None:
        self.kind = kind
        self.key = key
        self.known = known
        #: the message as a :class:`~qframework.messages.Note` (``message`` is its English wording)
        self.note = note
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would quote the message like a key
        if self.note is not None:  # worded when shown, in the active language
            return self.note.text
        return str(self.args[0]) if self.args else ""

    def problem(self, path: str) -> Problem:
        """The error as a :class:`Problem` at ``path`` (with its code where it has one)."""
        if self.note is not None:
            return Problem.of(path, self.note.code, **self.note.params)
        return Problem(path, str(self.args[0]) if self.args else "")

    @classmethod
    def unknown(cls, kind: str, key: object, known: Iterable[str], *, what: Param | None = None) -> NotFound:
        """``unknown dimension 'netzwek' (did you mean 'netzwerk'? known: grundidee, netzwerk, …)``."""
        import difflib

        from .messages import TEMPLATES

        names = tuple(sorted(str(k) for k in known))
        hint = difflib.get_close_matches(str(key), names, n=1) if isinstance(key, str) else []
        shown = names[:12] + (("…",) if len(names) > 12 else ())
        if what is None:  # the kind as a word of the active language, where the catalogue has it
            what = Note(f"word.{kind}") if f"word.{kind}" in TEMPLATES else kind
        if not names:
            note = Note("notfound.none", {"what": what, "key": repr(key)})
        elif hint:
            note = Note("notfound.hint", {"what": what, "key": repr(key), "hint": hint[0], "known": shown})
        else:
            note = Note("notfound", {"what": what, "key": repr(key), "known": shown})
        return cls(note.english, kind=kind, key=key, known=names, note=note)


def describe_type(value: object) -> Note:
    """How a problem message names a value's type (a word translated when shown): ``expected text,
    got a whole number``."""
    if isinstance(value, bool):
        return Note("type.bool")
    kinds = {
        str: "type.text",
        int: "type.int",
        float: "type.number",
        dict: "type.table",
        list: "type.list",
        tuple: "type.list",
    }
    for tp, code in kinds.items():
        if isinstance(value, tp):
            return Note(code)
    return Note("type.other", {"name": type(value).__name__})


def type_problem(path: str, value: object, expected: str) -> Problem:
    """``expected text, got a whole number`` — the one wording for a wrong type; ``expected`` is the
    code of the type word (``"type.text"``, ``"type.table"``, …)."""
    return Problem.of(path, "type", expected=Note(expected), got=describe_type(value))


def join_path(prefix: str, path: str) -> str:
    """Join two data paths: ``join_path("dimensions[0]", "title") == "dimensions[0].title"``."""
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


class UnknownOption(QFrameworkError, ValueError):
    """An option a function takes by name (a file or report ``format``, …) has a value it does not know.

    The same type for every such option across ``io``, ``report`` and ``excel``; ``option``, ``value``
    and ``known`` carry the facts (``render_report: unknown format 'pdf' (known: html, markdown)``).
    """

    def __init__(self, function: str, option: str, value: str, known: Iterable[str]) -> None:
        self.function = function
        self.option = option
        self.value = value
        self.known: tuple[str, ...] = tuple(known)
        shown = ", ".join(self.known)
        super().__init__(f"{function}: unknown {option} {printable(repr(value))} (known: {shown})")


def _path_key(problem: Problem) -> list[tuple[int, int | str]]:
    import re

    parts = re.split(r"[.\[\]]+", problem.path)
    # ASCII digits only: "²".isdigit() is true but int("²") fails.
    return [(0, int(p)) if p.isascii() and p.isdigit() else (1, p) for p in parts if p]


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in document order: ``dimensions[2]`` before ``dimensions[10]``, whatever the keys are."""
    return sorted(problems, key=_path_key)


def printable(text: str) -> str:
    """``text`` with control, format (bidirectional overrides, zero-width) and separator characters
    escaped as ``\\u202e``: what an error message or a report shows of text it did not write itself."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)

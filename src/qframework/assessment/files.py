"""One assessment per file (TOML or JSON): loading with every problem at once, and ``validate``.

Reading goes through :mod:`qframework.io` (``parse``, ``structure``, the one converter); with
``check`` (the default) the assessment is also checked against the framework version it names,
taken from the caller's ``registry`` or, when none is given, from the installed plugins. Entries
not yet rated load (a template is filled in over weeks); with ``complete=True`` each is a problem.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .._args import expect, expect_option, expect_path
from ..errors import Problem, ValidationError, join_path, sort_problems
from ..io import Format, _Lenient, atomic_write, dumps, format_for, parse, read_file, structure
from ..validation import deferred
from .fit import check_assessment
from .model import Assessment, unrated_problems

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = ["AssessmentFile", "dumps_assessment", "load_assessment", "loads_assessment", "save_assessment"]


def _expect_registry(registry: object, function: str) -> None:
    if registry is not None:
        from ..plugins import Registry

        expect(registry, Registry, function, "registry", "a Registry or None")


def _registry_or_default(registry: Registry | None) -> Registry:
    """The caller's registry, else the installed plugins: the loaders' documented default for ``check``."""
    if registry is not None:
        return registry
    from ..plugins import load_registry

    return load_registry()


def _framework_problems(built: Sequence[tuple[str, Assessment]], registry: Registry) -> list[Problem]:
    """:func:`check_assessment` for each ``(path prefix, assessment)``, paths prefixed."""
    out: list[Problem] = []
    for prefix, a in built:
        out.extend(p.at(join_path(prefix, p.path)) for p in check_assessment(a, registry=registry))
    return out


def _structure_all(data: Any) -> tuple[Assessment | None, list[Problem], list[str]]:
    """Structure one assessment; on problems also build what can be built, for the framework checks.

    Returns the assessment (or what could be built of it), every problem, and the *broken* paths:
    those of the type and structure problems (a wrong type, a missing key), whose values the lenient
    build replaced. Framework problems below a broken path only repeat it; framework problems below
    any other problem (e.g. "rated twice" at ``ratings[1]``) are problems of their own.
    """
    try:
        return structure(data, Assessment), [], []
    except ValidationError as exc:
        problems = list(exc.problems)
    structural: list[Problem] = []
    with deferred():
        built = _Lenient(structural).value(data, Assessment, "")
    return (built if isinstance(built, Assessment) else None), problems, [p.path for p in structural]


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in prefixes if p)


def _unrated_problems(built: Sequence[tuple[str, Assessment]], broken: Sequence[str] = ()) -> list[Problem]:
    """:func:`unrated_problems` for each ``(path prefix, assessment)``, paths prefixed, broken paths left out."""
    out: list[Problem] = []
    for prefix, a in built:
        for p in unrated_problems(a):
            path = join_path(prefix, p.path)
            if not _under(path, broken):
                out.append(p.at(path))
    return out


def _assessment_problems(
    data: Any, registry: Registry | None, check: bool, complete: bool = False
) -> tuple[Assessment | None, list[Problem]]:
    assessment, problems, broken = _structure_all(data)
    if check and assessment is not None:
        problems += [
            p
            for p in check_assessment(assessment, registry=_registry_or_default(registry))
            if not _under(p.path, broken)
        ]
    if complete and assessment is not None:
        problems += _unrated_problems([("", assessment)], broken)
    return assessment, _sorted(problems)


def loads_assessment(
    text: str | bytes,
    *,
    format: Format = "toml",
    registry: Registry | None = None,
    file: str | None = None,
    check: bool = True,
    complete: bool = False,
) -> Assessment:
    """Parse and validate one assessment from TOML or JSON text.

    With ``check`` (the default) it is also checked against the framework version it names, taken
    from ``registry`` (default: the installed plugins); all problems are raised together. Entries
    not yet rated (no value, not not-applicable) load as such; ``complete=True`` refuses them.
    """
    expect(text, (str, bytes), "loads_assessment", "text")
    expect_option(format, ("toml", "json"), "loads_assessment")
    _expect_registry(registry, "loads_assessment")
    data = parse(text, format=format, file=file)
    if isinstance(data, dict) and "assessments" in data:
        entries = data["assessments"]
        held = (
            ("assessment.bulk.one" if len(entries) == 1 else "assessment.bulk.many")
            if isinstance(entries, list)
            else "assessment.bulk"
        )
        raise ValidationError(
            [Problem.of("", held, count=len(entries) if isinstance(entries, list) else 0)],
            file,
        )
    assessment, problems = _assessment_problems(data, registry, check, complete)
    if problems or assessment is None:
        raise ValidationError(problems or [Problem.of("", "assessment.not")], file)
    return assessment


def load_assessment(
    path: str | os.PathLike[str], *, registry: Registry | None = None, check: bool = True, complete: bool = False
) -> Assessment:
    """Read one assessment (``.toml``, ``.json`` or a filled-in ``.xlsx`` workbook) and validate it completely.

    Structural problems and framework problems (unknown indicators, values outside the scale,
    framework version not installed, …) are raised together, each with its path. An assessment
    made against an older installed framework version loads; :func:`framework_changes` (and the
    scorecard's ``changes``) say what changed since. A template filled in part-way loads: its
    blank entries are *not yet rated* (:attr:`Assessment.unrated`); with ``complete=True`` each
    blank is a problem (``ratings[i].value: not yet rated: …``).
    """
    expect_path(path, "load_assessment")
    _expect_registry(registry, "load_assessment")
    name = os.fspath(path)
    if Path(name).is_dir():
        raise ValidationError(
            [
                Problem(
                    "",
                    "this is a folder; load_assessment reads one file (.toml, .json or .xlsx). For a folder of "
                    "per-rater files: combine_assessments([load_assessment(p) for p in sorted(folder.glob('*.toml'))])",
                )
            ],
            name,
        )
    if name.lower().endswith(".xlsx"):  # a filled-in workbook from ``qframework template ID --format xlsx``
        from ..excel import load_assessment_xlsx

        return load_assessment_xlsx(path, registry=registry, check=check)
    fmt = format_for(name)
    return loads_assessment(read_bytes(path), format=fmt, registry=registry, file=name, check=check, complete=complete)


def dumps_assessment(assessment: Assessment, *, format: Format = "toml") -> str:
    """One assessment as TOML or JSON text, the single-file format :func:`loads_assessment` reads back equal."""
    expect(assessment, Assessment, "dumps_assessment", "assessment")
    expect_option(format, ("toml", "json"), "dumps_assessment")
    return dumps(assessment, format=format)


def save_assessment(assessment: Assessment, path: str | os.PathLike[str], *, format: Format | None = None) -> None:
    """Write one assessment to ``path`` atomically (:func:`qframework.io.atomic_write`).

    The format follows the suffix (``.toml`` or ``.json``) unless given; :func:`load_assessment` reads
    the file back equal. For many assessments in one file see :func:`save_assessments` (bulk JSON); for a
    workbook to fill in, ``qframework template``.
    """
    expect(assessment, Assessment, "save_assessment", "assessment")
    expect_path(path, "save_assessment")
    fmt: Format = format_for(path) if format is None else expect_option(format, ("toml", "json"), "save_assessment")
    atomic_write(path, lambda: dumps_assessment(assessment, format=fmt))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes through :func:`qframework.io.read_file` (regular files only, size-limited)."""
    return read_file(path)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sort_problems(problems)


_VALIDATION_REGISTRY: list[Registry] = []

#: Whether files checked through the generic validator must be complete (``validate --complete``).
VALIDATE_COMPLETE: ContextVar[bool] = ContextVar("qframework_validate_complete", default=False)


def _validation_registry() -> Registry:
    """The installed plugins, loaded once, for files checked through the generic validator."""
    if not _VALIDATION_REGISTRY:
        _VALIDATION_REGISTRY.append(_registry_or_default(None))
    return _VALIDATION_REGISTRY[0]


@attrs.frozen
class AssessmentFile(Assessment):
    """One assessment as ``qframework validate`` sees it: the structural checks plus
    :func:`check_assessment` against the installed plugins, and under ``validate --complete``
    (:data:`VALIDATE_COMPLETE`) one problem per entry not yet rated. Use :func:`load_assessment` in code."""

    def _problems(self) -> Iterator[Problem]:
        yield from Assessment._problems(self)
        yield from check_assessment(self, registry=_validation_registry())
        if VALIDATE_COMPLETE.get():
            yield from unrated_problems(self)

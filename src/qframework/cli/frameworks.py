"""Commands about plugins and frameworks: ``plugins``, ``frameworks``, ``show``, ``validate``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..i18n import gettext_ as _
from ._common import (
    DOCUMENT_KINDS,
    _print_json,
    _print_listing,
    _problem,
    _registry,
)


def cmd_plugins(args: argparse.Namespace) -> int:
    from ..plugins import PluginReport
    from ..report.text import format_plugins

    registry = _registry()
    report = PluginReport.of(registry)
    if args.json:
        _print_json(report)
    else:
        print(format_plugins(report))
    return 1 if registry.failures else 0  # a broken plugin or an id clash is a failure, in JSON too


def cmd_frameworks(args: argparse.Namespace) -> int:
    from ..model import FrameworkSummary
    from ..report.text import format_frameworks

    return _print_listing(args, _registry(), "frameworks", FrameworkSummary.of, format_frameworks)


def _load_framework_arg(value: str, version: str | None = None) -> Any:
    """A framework given as an installed id or as a file path."""
    from ..io import load_framework

    if value.endswith((".toml", ".json")) or os.path.exists(value):
        return load_framework(value)
    return _registry().framework(value, version)


def cmd_show(args: argparse.Namespace) -> int:
    fw = _load_framework_arg(args.framework, args.version)
    if args.json:
        _print_json(fw)
        return 0
    from ..report.text import format_framework

    print(format_framework(fw, descriptions=args.descriptions, also=args.also))
    return 0


def _framework_cls() -> type[Any]:
    from ..model import Framework

    return Framework


DOCUMENT_KINDS.register("framework", lambda data: "dimensions" in data, _framework_cls)


#: Document kinds whose id is global among installed plugins, and the registry collection of each.
_REGISTERED_KINDS = {"framework": "frameworks", "programme": "programmes", "crosswalk": "crosswalks"}


def _declared_plugins(file: str) -> set[str]:
    """The entry-point names the project holding ``file`` declares (the nearest ``pyproject.toml`` above it)."""
    import tomllib

    folder = Path(file).resolve().parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return set()
            return set(project.get("entry-points", {}).get("qframework", {}))
    return set()


def _package_folder(module: str) -> Path | None:
    """The folder of an installed plugin's top-level package, found without importing it."""
    import importlib.util

    top = module.split(":")[0].split(".")[0].strip()
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return Path(spec.origin).resolve().parent if spec.origin else None


def _own_plugin(file: str, info: Any) -> bool:
    """Whether ``file`` belongs to the installed plugin ``info``: its source tree or its installed package."""
    if info.name in _declared_plugins(file):
        return True
    folder = _package_folder(info.module)
    return folder is not None and Path(file).resolve().is_relative_to(folder)


def _check_against_installed(obj: Any, kind: str, file: str) -> None:
    """``validate --against-installed``: is the document's id already taken by another installed plugin?

    An author runs this before installing a new plugin and after every change: installed, a clash
    would leave the new plugin's object out (see ``docs/plugins.md``). The file's own plugin (the
    project whose ``pyproject.toml`` declares it, or the installed package the file is in) may
    hold the id: that is the file itself, or another version of the same framework side by side.
    """
    collection = _REGISTERED_KINDS.get(kind)
    if collection is None:
        return
    registered = getattr(_registry(), collection)
    if obj.id not in registered:
        return
    info = registered.providers[obj.id]
    if _own_plugin(file, info):
        return
    message = _("{kind} id {id} is already registered by the installed plugin {plugin}; choose another id").format(
        kind=kind, id=repr(obj.id), plugin=str(info)
    )
    if kind == "framework":
        message += " " + _("(a new version of {id} belongs in the plugin {plugin}, next to its other versions)").format(
            id=repr(obj.id), plugin=info.name
        )
    raise ValidationError([_problem("id", message)], file)


def _validate_workbook(name: str, args: argparse.Namespace) -> None:
    """A filled-in ``.xlsx`` assessment workbook, read as ``score`` reads it (with ``--complete``: no blanks)."""
    from ..assessment import load_assessment
    from ..assessment.model import unrated_problems

    if args.kind not in (None, "assessment"):
        message = _("an .xlsx workbook holds an assessment, not a {kind}").format(kind=args.kind)
        raise ValidationError([_problem("", message)], name)
    registry = _registry()
    assessment = load_assessment(name, registry=registry)
    if not getattr(args, "complete", False):
        return
    problems = unrated_problems(assessment)
    # A workbook leaves out the rows left blank: an indicator without a rating is not yet rated.
    rated = {rating.indicator for rating in assessment.ratings}
    framework = registry.framework(assessment.framework, assessment.framework_version)
    problems += [
        _problem("ratings", _("indicator {id} not yet rated").format(id=repr(indicator.id)))
        for indicator in framework.indicators()
        if indicator.id not in rated
    ]
    if problems:
        raise ValidationError(problems, name)


def _warnings(obj: Any, data: Any, text: str | None) -> list[Any]:
    """What ``obj`` has that is valid but probably not meant (:meth:`Framework.warnings`), with ids and lines."""
    find = getattr(obj, "warnings", None)
    if not callable(find):
        return []
    from .._paths import annotate

    return annotate(find(), data, text)


def _as_warnings(problems: list[Any]) -> list[Any]:
    from ..errors import Problem

    return [Problem(p.path, _("warning: {message}").format(message=p.message), p.line, p.shown_path) for p in problems]


def cmd_validate(args: argparse.Namespace) -> int:
    from ..io import format_for, parse, read_file, structure
    from ..report.text import format_valid

    failed = 0
    for name in args.files:
        try:
            if name.lower().endswith(".xlsx"):  # score reads filled-in workbooks: validate does too
                _validate_workbook(name, args)
                if not args.quiet:
                    print(format_valid(name, "assessment"))
                continue
            fmt = format_for(name)
            raw = read_file(name)
            data = parse(raw, format=fmt, file=name)
            if not isinstance(data, dict):
                raise ValidationError([_problem("", _("expected a table at the top level"))], name)
            kind = args.kind
            if kind and kind not in DOCUMENT_KINDS:
                known = ", ".join(repr(k) for k in sorted(DOCUMENT_KINDS))  # not import order
                message = _("unknown kind {kind} (known: {known})").format(kind=repr(kind), known=known)
                raise ValidationError([_problem("", message)], name)
            candidates = [kind] if kind else DOCUMENT_KINDS.detect(data)
            if not candidates:
                known = ", ".join(sorted(DOCUMENT_KINDS))
                raise ValidationError(
                    [
                        _problem(
                            "", _("cannot tell what kind of file this is; pass --kind ({known})").format(known=known)
                        )
                    ],
                    name,
                )
            label = candidates[0]
            cls_factory = DOCUMENT_KINDS[label][1]
            try:
                obj = structure(data, cls_factory(), file=name)
            except ValidationError as exc:
                if fmt != "toml":
                    raise
                from .._paths import annotate

                text = raw.decode("utf-8")
                raise ValidationError(annotate(exc.problems, data, text), exc.file) from None
            if args.against_installed:
                _check_against_installed(obj, label, name)
            warnings = _warnings(obj, data, raw.decode("utf-8") if fmt == "toml" else None)
            if warnings and args.strict:
                raise ValidationError(warnings, name)
            if not args.quiet:
                print(format_valid(name, label))
            for line in ValidationError(_as_warnings(warnings), name).lines() if warnings else ():
                print(line)
        except ValidationError as exc:
            failed += 1
            for line in exc.with_file(exc.file or name).lines():
                print(line)
    return 1 if failed else 0

"""``qframework new-plugin NAME``: scaffold a tested, installable plugin for a new framework.

Interactive where a terminal is attached (it asks for what no flag gave), flags for everything
(``--framework-id``, ``--title``, ``--publisher``, ``--dimensions``, ``--indicators``,
``--directory``, ``--no-input``). It refuses a name or framework id that is not a slug, or that an
installed plugin already uses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import QFrameworkError
from ..i18n import gettext_ as _
from ._common import COMMAND_GROUPS, _count, _registry


def _ask(question: str, default: str) -> str:
    answer = input(f"{question} [{default}]: ").strip()
    return answer or default


def _taken(name: str, framework_id: str) -> None:
    """Refuse a plugin name or framework id an installed plugin already uses."""
    from ..plugins import _entry_points

    entry_point = name.replace("-", "_")
    if any(ep[0] == entry_point for ep in _entry_points()):
        raise QFrameworkError(
            _("a plugin named {name} is already installed; choose another name").format(name=repr(entry_point))
        )
    frameworks = _registry().frameworks
    if framework_id in frameworks:
        raise QFrameworkError(
            _("framework id {id} is already registered by the installed plugin {plugin}; choose another id").format(
                id=repr(framework_id), plugin=str(frameworks.providers[framework_id])
            )
        )


def cmd_new_plugin(args: argparse.Namespace) -> int:
    from ..scaffold import PluginSpec, check_license, check_name, write_plugin

    name = check_name(args.name, "plugin name")
    interactive = not args.no_input and sys.stdin.isatty()
    framework_id = args.framework_id or name.replace("_", "-")
    title = args.title or _("Quality standards {name}").format(name=name)
    publisher = args.publisher or ""
    dimensions = args.dimensions
    if interactive:
        framework_id = args.framework_id or _ask(_("framework id"), framework_id)
        title = args.title or _ask(_("title"), title)
        publisher = args.publisher or _ask(_("publisher"), publisher)
        if args.dimensions is None:
            answer = _ask(_("number of dimensions"), "3")
            try:
                dimensions = _count(answer)
            except argparse.ArgumentTypeError as exc:
                raise QFrameworkError(str(exc)) from None
    check_name(framework_id, "framework id")
    _taken(name, framework_id)
    spec = PluginSpec(
        name=name,
        framework_id=framework_id,
        title=title,
        publisher=publisher,
        dimensions=dimensions if dimensions is not None else 3,
        indicators=args.indicators,
        license=check_license(args.license),
    )
    directory = args.directory or spec.distribution
    written = write_plugin(spec, directory)
    print(_("wrote the plugin {name} to {directory}:").format(name=spec.entry_point, directory=directory))
    for path in written:
        print(f"  {path}")
    data = str(Path(directory, "src", spec.module, "data", f"{framework_id}.toml"))
    print(_("next: edit {file}, then").format(file=data))
    print(f"  qframework validate --against-installed {data}")
    print(f'  pip install -e "{directory}[test]"')
    print("  qframework plugins")
    print(f"  pytest {directory}")
    return 0


def add(sub: Any) -> None:
    p = sub.add_parser("new-plugin", help=_("write a new plugin for your own framework: installable and tested"))
    p.add_argument("name", metavar="NAME", help=_("the plugin's name, a slug such as 'musterland'"))
    p.add_argument("--framework-id", default=None, help=_("the framework's id (default: NAME)"))
    p.add_argument("--title", default=None, help=_("the framework's title"))
    p.add_argument("--publisher", default=None, help=_("who publishes the framework"))
    p.add_argument("--dimensions", type=_count, default=None, help=_("how many dimensions to start with (default 3)"))
    p.add_argument("--indicators", type=_count, default=2, help=_("indicators per dimension (default 2)"))
    p.add_argument("--license", default="MIT", help=_("the package's licence, an SPDX identifier (default MIT)"))
    p.add_argument("--directory", default=None, help=_("where to write it (default: qframework-NAME)"))
    p.add_argument("--no-input", action="store_true", help=_("never ask; use the flags and defaults"))
    p.set_defaults(handler=cmd_new_plugin)


COMMAND_GROUPS.append(add)

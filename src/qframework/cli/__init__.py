"""The ``qframework`` command (also ``python -m qframework``).

Every :class:`~qframework.errors.QFrameworkError` is printed without a traceback and exits
non-zero; ``validate`` prints one ``file: path: message`` line per problem. Each domain has its
own module here; a module adds its sub-commands to ``COMMAND_GROUPS``, its document kinds to
``DOCUMENT_KINDS`` and its demo steps to ``DEMO_STEPS``.

The domain modules (and the solver, scoring, … they import) load only for the commands that need
them: ``plugins``, ``frameworks`` and ``show`` start without them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import QFrameworkError, ValidationError
from ._common import COMMAND_GROUPS, Handler
from .demo import cmd_demo
from .frameworks import cmd_frameworks, cmd_plugins, cmd_show, cmd_validate

__all__ = ["FEATURE_MODULES", "build_parser", "main"]

#: The domain modules that register sub-commands, document kinds and demo steps on import.
FEATURE_MODULES: tuple[str, ...] = ("assessment", "assignment", "crosswalk", "programme", "schema")

# Commands that need none of the feature modules: they start without importing them.
_CORE_COMMANDS = frozenset({"plugins", "frameworks", "show"})


def load_feature_modules() -> None:
    """Import the domain modules, which add themselves to the registration lists."""
    for name in FEATURE_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def _command(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


class _VersionAction(argparse.Action):
    """``--version``: reads the installed version only when asked (the metadata costs start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from .. import __version__

        print(f"qframework {__version__}")
        parser.exit()


def build_parser(*, features: bool = True) -> argparse.ArgumentParser:
    """The argument parser; ``features=False`` leaves out the domain modules' sub-commands."""
    if features:
        load_feature_modules()

    parser = argparse.ArgumentParser(
        prog="qframework",
        description="Quality frameworks, assessments and assignment rules for Frühe Hilfen and Jugendhilfe.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("plugins", help="list installed plugins and what each registered")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_plugins)

    p = sub.add_parser("frameworks", help="list installed frameworks")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_frameworks)

    p = sub.add_parser("show", help="print a framework as a readable tree")
    p.add_argument("framework", metavar="ID_OR_FILE", help="an installed framework id or a framework file")
    p.add_argument("--version", dest="version", default=None, help="a specific installed version")
    p.add_argument("--descriptions", "-d", action="store_true", help="include description texts")
    p.add_argument("--lang", default=None, help="also show titles in this language (e.g. en)")
    p.add_argument("--json", action="store_true", help="the framework as JSON data")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("validate", help="validate files; prints one 'file: path: message' line per problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", default=None, help="the kind of document, if it cannot be told from the content")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing for valid files")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("demo", help="load every plugin, validate the shipped data and show what qframework does")
    p.set_defaults(handler=cmd_demo)

    for add in COMMAND_GROUPS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(features=_command(arguments) not in _CORE_COMMANDS)
    args = parser.parse_args(arguments)
    handler: Handler = args.handler
    try:
        return handler(args)
    except QFrameworkError as exc:
        if isinstance(exc, ValidationError):
            for line in exc.lines():
                print(line, file=sys.stderr)
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover - e.g. `qframework show x | head`
        return 0
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

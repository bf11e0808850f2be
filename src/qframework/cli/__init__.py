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
import contextlib
import importlib
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import QFrameworkError, ValidationError
from ..i18n import LANGUAGES, detect_language, language
from ..i18n import gettext_ as _
from ._argparse_words import install as install_argparse_words
from ._common import COMMAND_GROUPS, Handler
from .demo import cmd_demo
from .frameworks import cmd_frameworks, cmd_plugins, cmd_show, cmd_validate

__all__ = ["FEATURE_MODULES", "build_parser", "main"]

#: The domain modules that register sub-commands, document kinds and demo steps on import.
FEATURE_MODULES: tuple[str, ...] = (
    "assessment",
    "assignment",
    "crosswalk",
    "programme",
    "schema",
    "report",
    "plugin_kit",
)

# Commands that need none of the feature modules: they start without importing them.
_CORE_COMMANDS = frozenset({"plugins", "frameworks", "show"})


def load_feature_modules() -> None:
    """Import the domain modules, which add themselves to the registration lists."""
    for name in FEATURE_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def _command(argv: Sequence[str]) -> str | None:
    """The sub-command: the first argument that is not an option (``--lang`` already taken out)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _split_lang(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """Take the global ``--lang X`` / ``--lang=X`` out of ``argv``, wherever it stands.

    ``--lang`` is accepted before or after the sub-command; it is taken out before argparse sees
    the arguments so that the language is known when the parser (with its help texts) is built.
    The last one wins; a ``--lang`` without a value is left for argparse to report.
    """
    lang: str | None = None
    rest: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
            i += 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
            i += 1
            continue
        rest.append(arg)
        i += 1
    return lang, rest


class _VersionAction(argparse.Action):
    """``--version``: reads the installed version only when asked (the metadata costs start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=_("show the version and exit"))

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from .. import __version__

        print(f"qframework {__version__}")
        parser.exit()


def build_parser(*, features: bool = True) -> argparse.ArgumentParser:
    """The argument parser; ``features=False`` leaves out the domain modules' sub-commands.

    Build it inside :func:`qframework.i18n.language` to get the help texts in that language.
    """
    if features:
        load_feature_modules()
    install_argparse_words()

    parser = argparse.ArgumentParser(
        prog="qframework",
        description=_("Quality frameworks, assessments and assignment rules for Frühe Hilfen and Jugendhilfe."),
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=_("output language (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG; else en)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    json_help = _("machine-readable output")

    p = sub.add_parser("plugins", help=_("list installed plugins and what each registered"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(handler=cmd_plugins)

    p = sub.add_parser("frameworks", help=_("list installed frameworks"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(handler=cmd_frameworks)

    p = sub.add_parser("show", help=_("print a framework as a readable tree"))
    p.add_argument("framework", metavar="ID_OR_FILE", help=_("an installed framework id or a framework file"))
    p.add_argument("--version", dest="version", default=None, help=_("a specific installed version"))
    p.add_argument("--descriptions", "-d", action="store_true", help=_("include description texts"))
    p.add_argument(
        "--also",
        default=None,
        metavar="LANG",
        help=_("also show each title in this language (e.g. de next to --lang en)"),
    )
    p.add_argument("--json", action="store_true", help=_("the framework as JSON data"))
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("validate", help=_("validate files; prints one 'file: path: message' line per problem"))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", default=None, help=_("the kind of document, if it cannot be told from the content"))
    p.add_argument("--quiet", "-q", action="store_true", help=_("print nothing for valid files"))
    p.add_argument(
        "--against-installed",
        action="store_true",
        help=_("also fail when an installed plugin already registers the document's id"),
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help=_("also fail on warnings (e.g. a scale whose level values have a gap)"),
    )
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("demo", help=_("load every plugin, validate the shipped data and show what qframework does"))
    p.set_defaults(handler=cmd_demo)

    for add in COMMAND_GROUPS:
        add(sub)
    return parser


class _EscapingStream:
    """A terminal's text stream that writes control and bidi characters as escapes (``\\x1b``).

    Text from a file (a title, a name, a period) reaches the terminal through here: an escape
    sequence in it cannot retitle or clear the terminal, nor an override reorder the line. Only
    terminals are wrapped: output into a file or a pipe is data and stays byte for byte.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from .._safe_text import escape_controls

        self._stream.write(escape_controls(text, keep_crlf=True))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@contextlib.contextmanager
def _terminal_safe() -> Iterator[None]:
    """Standard output and error escape control characters while they are terminals."""
    saved = sys.stdout, sys.stderr
    if _is_terminal(sys.stdout):
        sys.stdout = _EscapingStream(sys.stdout)
    if _is_terminal(sys.stderr):
        sys.stderr = _EscapingStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the output language is ``--lang``, else the locale, else English.

    ``--json`` output is data and never translated: its handlers run in English.
    """
    explicit, arguments = _split_lang(sys.argv[1:] if argv is None else argv)
    try:
        lang = detect_language(explicit)
    except ValueError as exc:
        print(f"qframework: error: {exc}", file=sys.stderr)
        return 2
    with language(lang):
        parser = build_parser(features=_command(arguments) not in _CORE_COMMANDS)
        args = parser.parse_args(arguments)
    handler: Handler = args.handler
    with language("en" if getattr(args, "json", False) else lang), _terminal_safe():
        try:
            return handler(args)
        except QFrameworkError as exc:
            if isinstance(exc, ValidationError):
                for line in exc.lines():
                    print(line, file=sys.stderr)
            else:
                print(_("error: {message}").format(message=exc), file=sys.stderr)
            return 1
        except BrokenPipeError:  # pragma: no cover - e.g. `qframework show x | head`
            return 0
        except KeyboardInterrupt:  # pragma: no cover
            return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

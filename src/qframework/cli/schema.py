"""``qframework schema KIND``: the JSON Schema of a document or result kind, for web APIs and editors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..i18n import gettext_ as _
from ._registries import COMMAND_GROUPS


def cmd_schema(args: argparse.Namespace) -> int:
    from ..io import atomic_write
    from ..schema import SCHEMA_KINDS, kind_schema

    if args.list or args.kind is None:
        from ..report.text import format_schema_kinds

        print(format_schema_kinds({kind: role for kind, (role, _where) in SCHEMA_KINDS.items()}))
        return 0
    if args.kind not in SCHEMA_KINDS:
        message = _("unknown kind {kind}; known kinds: {known}").format(
            kind=repr(args.kind), known=", ".join(SCHEMA_KINDS)
        )
        print(_("error: {message}").format(message=message), file=sys.stderr)
        return 2
    text = json.dumps(kind_schema(args.kind), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        atomic_write(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _add_schema_command(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help=_("print the JSON Schema of a document or result kind (--list: the kinds)"),
        description=_(
            "Print the JSON Schema (draft 2020-12) of a document kind (framework, assessment, …) "
            "or result kind (scorecard, assignment, …). The schema checks structure; `qframework validate` "
            "also checks the semantic rules."
        ),
    )
    p.add_argument("kind", nargs="?", metavar="KIND", help=_("the kind; without it, the kinds are listed"))
    p.add_argument("--list", action="store_true", help=_("list the kinds and whether each is a document or result"))
    p.add_argument("--output", "-o", metavar="FILE", help=_("write the schema to FILE instead of printing it"))
    p.set_defaults(handler=cmd_schema)


COMMAND_GROUPS.append(_add_schema_command)

"""The lists command modules add themselves to (sub-commands, document kinds, demo steps)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]

#: Feature modules add ``add(subparsers)`` functions here to contribute sub-commands.
COMMAND_GROUPS: list[Callable[[Any], None]] = []

# Document types ``validate`` recognises, by the keys that only they have at the top level.
# Feature modules add theirs to this list.
DOCUMENT_KINDS: list[tuple[str, Callable[[dict[str, Any]], bool], Callable[[], type[Any]]]] = []

#: Demo steps (assessment, assignment, programmes) append themselves here.
DEMO_STEPS: list[Callable[[Any], None]] = []

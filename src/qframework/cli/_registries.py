"""The lists command modules add themselves to (sub-commands, document kinds, demo steps)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]

#: Feature modules add ``add(subparsers)`` functions here to contribute sub-commands.
COMMAND_GROUPS: list[Callable[[Any], None]] = []

Detector = Callable[[dict[str, Any]], bool]
ClassFactory = Callable[[], type[Any]]


class DocumentKinds(dict[str, tuple[Detector, ClassFactory]]):
    """The document kinds ``validate`` knows: kind → (detector, class).

    The detector recognises a parsed document by the top-level keys only that kind has; the
    class (returned by a factory, so that its module loads only when needed) is what
    :func:`qframework.io.structure` builds and validates. Feature modules register theirs.
    """

    def register(self, kind: str, detect: Detector, cls: ClassFactory) -> None:
        """Add a kind; a kind registered twice is a programming error."""
        if kind in self:
            raise ValueError(f"document kind {kind!r} is registered twice")
        self[kind] = (detect, cls)

    def append(self, entry: tuple[str, Detector, ClassFactory]) -> None:
        """The list-style registration ``DOCUMENT_KINDS.append((kind, detect, cls))``."""
        self.register(*entry)

    def detect(self, data: dict[str, Any]) -> list[str]:
        """The kinds whose detector accepts ``data``, in registration order."""
        return [kind for kind, (detect, _) in self.items() if detect(data)]


#: Document types ``validate`` recognises; feature modules register theirs.
DOCUMENT_KINDS = DocumentKinds()

#: Demo steps (assessment, assignment, programmes) append themselves here.
DEMO_STEPS: list[Callable[[Any], None]] = []

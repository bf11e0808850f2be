"""Loaders for assignment problems, read and validated through :mod:`qframework.io` like every document."""

from __future__ import annotations

import os
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from ..io import Format, load, loads
from .rules import AssignmentProblem

if TYPE_CHECKING:
    from ..plugins import Registry

__all__ = ["load_assignment_problem", "loads_assignment_problem"]


def load_assignment_problem(
    path: str | os.PathLike[str] | Traversable, *, registry: Registry | None = None
) -> AssignmentProblem:
    """Load and validate an assignment problem file: ``[rules]``, ``[[participants]]``, optionally ``[assignment]``.

    ``registry`` is accepted so that every loader reads alike; an assignment problem refers to nothing in it.
    """
    return load(AssignmentProblem, path)


def loads_assignment_problem(
    text: str | bytes, *, format: Format = "toml", registry: Registry | None = None, file: str | None = None
) -> AssignmentProblem:
    """Parse and validate an assignment problem from text (see :func:`load_assignment_problem`)."""
    return loads(AssignmentProblem, text, format=format, file=file)

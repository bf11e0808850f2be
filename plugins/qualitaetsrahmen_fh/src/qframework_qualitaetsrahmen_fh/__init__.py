"""qframework plugin: the NZFH's Qualitätsrahmen Frühe Hilfen.

The content lives in ``data/*.toml`` and is loaded through qframework's validating loader, the
same one users call on their own files.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from qframework import Framework, hookimpl, load_framework

DATA = files(__name__) / "data"


@hookimpl
def qframework_frameworks(register: Callable[[Framework], None]) -> None:
    """The Qualitätsrahmen Frühe Hilfen 2.0."""
    register(load_framework(DATA / "qualitaetsrahmen-fh-2.0.toml"))

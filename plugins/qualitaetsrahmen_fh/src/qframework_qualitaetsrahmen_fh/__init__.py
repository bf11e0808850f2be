"""qframework plugin: the NZFH's Qualitätsrahmen Frühe Hilfen.

The content lives in ``data/*.toml`` and is loaded through qframework's validating loader, the
same one users call on their own files.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from qframework import Framework, Programme, hookimpl, load_framework, load_programme

DATA = files(__name__) / "data"


@hookimpl
def qframework_frameworks(register: Callable[[Framework], None]) -> None:
    """The Qualitätsrahmen Frühe Hilfen 2.0."""
    register(load_framework(DATA / "qualitaetsrahmen-fh-2.0.toml"))


@hookimpl
def qframework_programmes(register: Callable[[Programme], None]) -> None:
    """The Qualitätsdialoge Frühe Hilfen 2019–2021."""
    register(load_programme(DATA / "qdfh-2019.toml"))

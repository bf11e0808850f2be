"""qframework plugin: Lower Saxony's Qualitätsstandards Frühe Hilfen.

The content lives in ``data/*.toml`` and is loaded through qframework's validating loader, the
same one users call on their own files. The three topics (dimensions) come from public sources;
the standards themselves are qframework's own illustrative wording, because the texts of the
handbook's 25 standards are not known to this project (see the README and the data's provenance).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from qframework import Framework, hookimpl, load_framework

DATA = files(__name__) / "data"


@hookimpl
def qframework_frameworks(register: Callable[[Framework], None]) -> None:
    """The Qualitätsstandards Frühe Hilfen Niedersachsen (three topics, two-tier standards)."""
    register(load_framework(DATA / "nds-qualitaetsstandards-fh.toml"))

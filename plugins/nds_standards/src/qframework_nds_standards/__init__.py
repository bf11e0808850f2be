"""qframework plugin: Lower Saxony's Qualitätsstandards Frühe Hilfen.

The content lives in ``data/*.toml`` and is loaded through qframework's validating loader, the
same one users call on their own files. The three topics (dimensions) come from public sources;
the standards themselves are qframework's own illustrative wording, because the texts of the
25 standards of the Land's Handreichung are not yet modelled here (see the README and the data's
provenance).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from qframework import hookimpl

DATA = os.path.join(os.path.dirname(__file__), "data")  # not importlib.resources: faster start-up

# Files are registered by path: the registry validates them (through the validated-data cache)
# and builds a programme only when it is used, so listing plugins stays fast.


@hookimpl
def qframework_frameworks(register: Callable[[str], None]) -> None:
    """The Qualitätsstandards Frühe Hilfen Niedersachsen (three topics, two-tier standards)."""
    register(os.path.join(DATA, "nds-qualitaetsstandards-fh.toml"))


@hookimpl
def qframework_programmes(register: Callable[[str], None]) -> None:
    """The Qualitätszirkel 2019–2021 and the Qualitätswerkstätten 2024."""
    register(os.path.join(DATA, "nds-qualitaetszirkel-2019.toml"))
    register(os.path.join(DATA, "nds-qualitaetswerkstaetten-2024.toml"))


@hookimpl
def qframework_crosswalks(register: Callable[[str], None]) -> None:
    """Qualitätsrahmen Frühe Hilfen (NZFH) → the Land's Qualitätsstandards, standard by standard."""
    register(os.path.join(DATA, "crosswalk-nzfh-nds.toml"))

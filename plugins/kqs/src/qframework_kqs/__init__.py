"""qframework plugin: ArtSet's KQS – Kundenorientierte Qualitätstestierung für Soziale
Dienstleistungsorganisationen, Leitfaden Modellversion 2 (November 2014).

The content lives in ``data/*.toml`` and is loaded through qframework's validating loader, the
same one users call on their own files. Only the area names and the model's logic come from
sources; the numbering, the requirement texts and the rating scale were written by qframework
(every element's ``provenance`` says which is which).
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
    """KQS, Modellversion 2, and the four § 79a SGB VIII fields (the target of the KQS crosswalk)."""
    register(os.path.join(DATA, "kqs-modellversion-2.toml"))
    register(os.path.join(DATA, "sgb8-79a.toml"))


@hookimpl
def qframework_programmes(register: Callable[[str], None]) -> None:
    """Lower Saxony's § 79a model project (2016) and its 2019 follow-up."""
    register(os.path.join(DATA, "nds-79a-modellprojekt-2016.toml"))
    register(os.path.join(DATA, "nds-79a-modellprojekt-2019.toml"))


@hookimpl
def qframework_crosswalks(register: Callable[[str], None]) -> None:
    """KQS areas → the four § 79a SGB VIII fields; Qualitätsrahmen Frühe Hilfen → KQS where they meet."""
    register(os.path.join(DATA, "crosswalk-kqs-sgb8-79a.toml"))
    register(os.path.join(DATA, "crosswalk-nzfh-kqs.toml"))

"""qframework plugin: the NZFH's Qualitätsrahmen Frühe Hilfen.

The content lives in ``data/*.toml`` and is loaded through qframework's validating loader, the
same one users call on their own files.
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
    """The Qualitätsrahmen Frühe Hilfen 2.0."""
    register(os.path.join(DATA, "qualitaetsrahmen-fh-2.0.toml"))


@hookimpl
def qframework_programmes(register: Callable[[str], None]) -> None:
    """The Qualitätsdialoge Frühe Hilfen 2019–2021 and Frühe Hilfen qualitätvoll gestalten 2022–2025."""
    register(os.path.join(DATA, "qdfh-2019.toml"))
    register(os.path.join(DATA, "fqg-2022.toml"))

"""qframework: one tested domain layer for quality development in German Frühe Hilfen and
Kinder- und Jugendhilfe.

The public API is re-exported here; everything not in ``__all__`` is internal.
"""

from __future__ import annotations

from .errors import InfeasibleAssignment, NotFound, PluginError, Problem, QFrameworkError, ValidationError
from .hookspecs import hookimpl
from .io import (
    dumps,
    dumps_framework,
    load,
    load_framework,
    loads,
    loads_framework,
    save,
)
from .model import (
    Dimension,
    Facet,
    FacetValue,
    Framework,
    Indicator,
    Level,
    Provenance,
    Scale,
    Source,
    Text,
    Tier,
)
from .plugins import PluginFailure, PluginInfo, Registry, load_registry, make_plugin_manager
from .validation import validate

__version__ = "0.1.0"

__all__ = [
    "Dimension",
    "Facet",
    "FacetValue",
    "Framework",
    "Indicator",
    "InfeasibleAssignment",
    "Level",
    "NotFound",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "Problem",
    "Provenance",
    "QFrameworkError",
    "Registry",
    "Scale",
    "Source",
    "Text",
    "Tier",
    "ValidationError",
    "__version__",
    "dumps",
    "dumps_framework",
    "hookimpl",
    "load",
    "load_framework",
    "load_registry",
    "loads",
    "loads_framework",
    "make_plugin_manager",
    "save",
    "validate",
]

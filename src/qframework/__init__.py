"""qframework: one tested domain layer for quality development in German Frühe Hilfen and
Kinder- und Jugendhilfe.

The public API is re-exported here; everything not in ``__all__`` is internal.
"""

from __future__ import annotations

from .assignment import (
    Assignment,
    AssignmentProblem,
    AssignmentRules,
    Bounds,
    Group,
    GroupRules,
    Objective,
    Participant,
    Placement,
    Topic,
    Violation,
    assign,
    check,
)
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
from .programme import (
    Delegate,
    Event,
    Phase,
    Programme,
    Quota,
    Roster,
    Segment,
    check_roster,
    describe_programme,
    load_participants,
    load_programme,
)
from .validation import validate

__version__ = "0.1.0"

__all__ = [
    "Assignment",
    "AssignmentProblem",
    "AssignmentRules",
    "Bounds",
    "Delegate",
    "Dimension",
    "Event",
    "Facet",
    "FacetValue",
    "Framework",
    "Group",
    "GroupRules",
    "Indicator",
    "InfeasibleAssignment",
    "Level",
    "NotFound",
    "Objective",
    "Participant",
    "Phase",
    "Placement",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "Problem",
    "Programme",
    "Provenance",
    "QFrameworkError",
    "Quota",
    "Registry",
    "Roster",
    "Scale",
    "Segment",
    "Source",
    "Text",
    "Tier",
    "Topic",
    "ValidationError",
    "Violation",
    "__version__",
    "assign",
    "check",
    "check_roster",
    "describe_programme",
    "dumps",
    "dumps_framework",
    "hookimpl",
    "load",
    "load_framework",
    "load_participants",
    "load_programme",
    "load_registry",
    "loads",
    "loads_framework",
    "make_plugin_manager",
    "save",
    "validate",
]

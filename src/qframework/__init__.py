"""qframework: one tested domain layer for quality development in German Frühe Hilfen and
Kinder- und Jugendhilfe.

The public API is re-exported here; everything not in ``__all__`` is internal. ``__all__`` is
derived from the ``_EXPORTS`` table (where each name lives), so the two cannot disagree; every
other module-level name here is private (underscore), so ``dir(qframework)`` shows only the API.
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:  # the names for type checkers and IDEs; at run time they load on first use
    from .aggregation import Aggregation
    from .assessment import (
        Assessment,
        Comparison,
        DimensionChange,
        DimensionScore,
        IndicatorScore,
        Rater,
        Rating,
        Scorecard,
        Subject,
        TierCount,
        VersionChanges,
        check_assessment,
        compare,
        disagreements,
        dumps_assessments,
        framework_changes,
        load_assessment,
        load_assessments,
        loads_assessment,
        loads_assessments,
        priorities,
        save_assessments,
        score,
        score_all,
    )
    from .assessment.combine import combine_assessments
    from .assignment import (
        Assignment,
        AssignmentProblem,
        AssignmentRules,
        Bounds,
        Explanation,
        Group,
        GroupRules,
        Objective,
        Optimality,
        Participant,
        Placement,
        Topic,
        TopicResult,
        Violation,
        assign,
        check_assignment,  # the deprecated alias ``check`` is left to __getattr__ (and out of type checkers' view)
        load_assignment_problem,
        loads_assignment_problem,
    )
    from .crosswalk import (
        Crosswalk,
        CrosswalkEntry,
        TranslationReport,
        check_crosswalk,
        load_crosswalk,
        loads_crosswalk,
        translate,
    )
    from .errors import InfeasibleAssignment, NotFound, PluginError, Problem, QFrameworkError, ValidationError
    from .excel import assessment_workbook, load_assessment_xlsx
    from .frozen import FrozenMap
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
        FrameworkSummary,
        Indicator,
        Level,
        Provenance,
        Scale,
        Source,
        Text,
        Tier,
    )
    from .plugins import (
        PluginFailure,
        PluginInfo,
        PluginReport,
        PluginSummary,
        Registered,
        Registry,
        load_registry,
        make_plugin_manager,
    )
    from .programme import (
        Delegate,
        Event,
        Phase,
        Programme,
        ProgrammeSummary,
        Quota,
        Roster,
        Segment,
        check_roster,
        load_participants,
        load_programme,
        load_roster,
        loads_participants,
        loads_programme,
        loads_roster,
    )
    from .report.data import AssessmentReport, AssignmentReport, CohortReport, ProgressReport
    from .report.render import render_report
    from .report.text import describe_programme, format_comparison, format_scorecard
    from .schema import kind_schema, schema_for
    from .template import assessment_template
    from .validation import validate

    __version__: str

# Where each public name lives. Importing qframework stays fast: a submodule (and the attrs
# classes it defines) is imported the first time one of its names is used.
_EXPORTS: dict[str, str] = {
    "Aggregation": "aggregation",
    "Assessment": "assessment",
    "AssessmentReport": "report.data",
    "Assignment": "assignment",
    "AssignmentProblem": "assignment",
    "AssignmentReport": "report.data",
    "AssignmentRules": "assignment",
    "Bounds": "assignment",
    "CohortReport": "report.data",
    "Comparison": "assessment",
    "Crosswalk": "crosswalk",
    "CrosswalkEntry": "crosswalk",
    "Delegate": "programme",
    "Dimension": "model",
    "DimensionChange": "assessment",
    "DimensionScore": "assessment",
    "Event": "programme",
    "Explanation": "assignment",
    "Facet": "model",
    "FacetValue": "model",
    "Framework": "model",
    "FrameworkSummary": "model",
    "FrozenMap": "frozen",
    "Group": "assignment",
    "GroupRules": "assignment",
    "Indicator": "model",
    "IndicatorScore": "assessment",
    "InfeasibleAssignment": "errors",
    "Level": "model",
    "NotFound": "errors",
    "Objective": "assignment",
    "Optimality": "assignment",
    "Participant": "assignment",
    "Phase": "programme",
    "Placement": "assignment",
    "PluginError": "errors",
    "PluginFailure": "plugins",
    "PluginInfo": "plugins",
    "PluginReport": "plugins",
    "PluginSummary": "plugins",
    "Problem": "errors",
    "Programme": "programme",
    "ProgrammeSummary": "programme",
    "ProgressReport": "report.data",
    "Provenance": "model",
    "QFrameworkError": "errors",
    "Quota": "programme",
    "Rater": "assessment",
    "Rating": "assessment",
    "Registered": "plugins",
    "Registry": "plugins",
    "Roster": "programme",
    "Scale": "model",
    "Scorecard": "assessment",
    "Segment": "programme",
    "Source": "model",
    "Subject": "assessment",
    "Text": "model",
    "Tier": "model",
    "TierCount": "assessment",
    "Topic": "assignment",
    "TranslationReport": "crosswalk",
    "TopicResult": "assignment",
    "ValidationError": "errors",
    "VersionChanges": "assessment",
    "Violation": "assignment",
    "assessment_template": "template",
    "assessment_workbook": "excel",
    "assign": "assignment",
    "check": "assignment",
    "check_assignment": "assignment",
    "check_assessment": "assessment",
    "check_crosswalk": "crosswalk",
    "check_roster": "programme",
    "combine_assessments": "assessment.combine",
    "compare": "assessment",
    "describe_programme": "report.text",
    "disagreements": "assessment",
    "dumps": "io",
    "dumps_assessments": "assessment",
    "dumps_framework": "io",
    "format_comparison": "report.text",
    "format_scorecard": "report.text",
    "framework_changes": "assessment",
    "hookimpl": "hookspecs",
    "kind_schema": "schema",
    "load": "io",
    "load_assessment": "assessment",
    "load_assessment_xlsx": "excel",
    "load_assessments": "assessment",
    "load_assignment_problem": "assignment",
    "load_crosswalk": "crosswalk",
    "load_framework": "io",
    "load_participants": "programme",
    "load_programme": "programme",
    "load_registry": "plugins",
    "load_roster": "programme",
    "loads": "io",
    "loads_assessment": "assessment",
    "loads_assessments": "assessment",
    "loads_assignment_problem": "assignment",
    "loads_crosswalk": "crosswalk",
    "loads_framework": "io",
    "loads_participants": "programme",
    "loads_programme": "programme",
    "loads_roster": "programme",
    "make_plugin_manager": "plugins",
    "priorities": "assessment",
    "render_report": "report.render",
    "save": "io",
    "save_assessments": "assessment",
    "schema_for": "schema",
    "score": "assessment",
    "score_all": "assessment",
    "translate": "crosswalk",
    "validate": "validation",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def _version() -> str:
    """The installed distribution's version; ``0+unknown`` when running from a source tree."""
    from importlib import metadata

    try:
        return metadata.version("qframework")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> _typing.Any:
    if name == "__version__":  # read from the installed metadata on first use: it costs start-up time
        value: _typing.Any = _version()
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qframework' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

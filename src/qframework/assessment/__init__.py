"""Self-assessment: rating a Kommune against a framework, scoring, rater agreement and priorities.

Frühe-Hilfen practice rates a Kommune in three steps: *collect* ratings from several actors,
*discuss* where their ratings disagree, then *prioritise*. The package carries all three:

- :mod:`.model`: the values (:class:`Assessment`, :class:`Rating`, :class:`Rater`, :class:`Subject`);
  a rating entry with neither a value nor not-applicable is *not yet rated* (a template being
  filled in); it scores nothing and counts against coverage, and ``complete=True`` (loaders,
  :func:`score`) or :func:`unrated_problems` make blanks errors;
- :mod:`.fit`: what needs the framework (:func:`check_assessment`, :func:`version_changes`);
- :mod:`.scoring`: :func:`score` → :class:`Scorecard`, :func:`disagreements`, :func:`priorities`,
  :func:`compare`; every result a frozen value that round-trips through :mod:`qframework.io`;
- :mod:`.files`: one assessment per TOML or JSON file; :mod:`.bulk`: many in one columnar JSON file.

Text output (``format_scorecard``) lives in :mod:`qframework.report.text`. Nothing here loads
plugins at import time, and scoring never discovers them behind the caller's back.
"""

from __future__ import annotations

from ..aggregation import Aggregation
from .bulk import AssessmentBatch, dumps_assessments, load_assessments, loads_assessments, save_assessments
from .files import AssessmentFile, dumps_assessment, load_assessment, loads_assessment, save_assessment
from .fit import VersionChanges, check_assessment, framework_changes, version_changes
from .model import DEFAULT_DISAGREEMENT, NOT_APPLICABLE, Assessment, Rater, Rating, Subject, unrated_problems
from .scoring import (
    Comparison,
    DimensionChange,
    DimensionScore,
    IndicatorScore,
    Scorecard,
    TierCount,
    compare,
    disagreements,
    priorities,
    resolve_aggregation,
    score,
    score_all,
)

__all__ = [
    "DEFAULT_DISAGREEMENT",
    "NOT_APPLICABLE",
    "Aggregation",
    "Assessment",
    "AssessmentBatch",
    "AssessmentFile",
    "Comparison",
    "DimensionChange",
    "DimensionScore",
    "IndicatorScore",
    "Rater",
    "Rating",
    "Scorecard",
    "Subject",
    "TierCount",
    "VersionChanges",
    "check_assessment",
    "compare",
    "disagreements",
    "dumps_assessment",
    "dumps_assessments",
    "framework_changes",
    "load_assessment",
    "load_assessments",
    "loads_assessment",
    "loads_assessments",
    "priorities",
    "resolve_aggregation",
    "save_assessment",
    "save_assessments",
    "score",
    "score_all",
    "unrated_problems",
    "version_changes",
]

"""What a report shows, built from the plain-data results — never by scoring anew.

The four report kinds are small frozen values that bundle the results a report needs:

- :class:`AssessmentReport`: one :class:`~qframework.assessment.Scorecard` with its framework (and,
  for evidence, comments and rater roles, the :class:`~qframework.assessment.Assessment`);
- :class:`ProgressReport`: two or more scorecards of one Kommune, a trend per dimension;
- :class:`CohortReport`: many Kommunen's scorecards, the distribution of each dimension's scores;
- :class:`AssignmentReport`: an :class:`~qframework.assignment.Assignment` with its participants.

:func:`view` turns one into the plain dictionaries the templates read, in one language; the
charts are built there too (:mod:`qframework.report.svg`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._fields import tuple_fields
from ..errors import QFrameworkError
from ..i18n import N_, format_number, format_percent, translation

if TYPE_CHECKING:
    from ..assessment import Assessment, Scorecard
    from ..assignment import Assignment, AssignmentRules, Participant
    from ..crosswalk import TranslationReport
    from ..model import Framework, Level, Scale

__all__ = ["AssessmentReport", "AssignmentReport", "CohortReport", "ProgressReport", "Report", "view"]

#: The language framework content is written in (titles, descriptions; translations add others).
SOURCE_LANGUAGE = "de"
#: The built-in aggregations' names (a plugin's own aggregation is shown by its id).
AGGREGATION_NAMES = {"mean": N_("mean"), "median": N_("median")}
#: The sentence that marks content shown in its original language, once per page.
UNTRANSLATED_NOTE = N_(
    "Framework texts without an English translation are shown in German, the language the plugin supplies."
)


def _cards(cards: Iterable[Scorecard]) -> tuple[Scorecard, ...]:
    return tuple(cards)


def _participants(participants: Iterable[Participant]) -> tuple[Participant, ...]:
    return tuple(participants)


@attrs.frozen(field_transformer=tuple_fields)
class AssessmentReport:
    """One assessment: scores with level labels, coverage, disagreements, priorities, evidence, provenance.

    ``assessment`` adds what the scorecard does not hold (evidence, comments, each rater's own
    level and role); without it the report shows the scorecard alone. ``threshold`` and
    ``priorities`` are passed to :func:`~qframework.assessment.disagreements` and
    :func:`~qframework.assessment.priorities`. ``translation`` (the report of
    :func:`~qframework.crosswalk.translate` that made the assessment) adds a notice: translated,
    from which framework, by which crosswalk, and what was lost or guessed.
    """

    scorecard: Scorecard
    framework: Framework
    assessment: Assessment | None = None
    threshold: float = 0.4
    priorities: int = 3
    translation: TranslationReport | None = None

    def __attrs_post_init__(self) -> None:
        _same_framework(self.framework, [self.scorecard])
        t = self.translation
        if t is not None and (t.target.framework, t.subject, t.period) != (
            self.framework.id,
            self.scorecard.subject.id,
            self.scorecard.period,
        ):
            raise QFrameworkError(
                f"the translation is of {t.subject} {t.period} into {t.target.framework}, the scorecard of "
                f"{self.scorecard.subject.id} {self.scorecard.period} against {self.framework.id}"
            )
        if self.assessment is not None and self.assessment.key != (
            self.scorecard.subject.id,
            self.scorecard.period,
        ):
            raise QFrameworkError(
                f"the assessment is of {self.assessment.key}, the scorecard of "
                f"{(self.scorecard.subject.id, self.scorecard.period)}"
            )


@attrs.frozen(field_transformer=tuple_fields)
class ProgressReport:
    """Two or more periods of one Kommune: a trend per dimension over every period, oldest first."""

    scorecards: tuple[Scorecard, ...] = attrs.field(converter=_cards)
    framework: Framework

    def __attrs_post_init__(self) -> None:
        cards = self.scorecards
        if len(cards) < 2:
            raise QFrameworkError(f"a progress report needs two or more periods, got {len(cards)}")
        subjects = sorted({c.subject.id for c in cards})
        if len(subjects) > 1:
            raise QFrameworkError(
                f"a progress report is about one Kommune, got {len(subjects)}: {', '.join(subjects[:5])}"
                + (", …" if len(subjects) > 5 else "")
                + "; choose one (--subject ID)"
            )
        periods = [c.period for c in cards]
        if len(set(periods)) != len(periods):
            raise QFrameworkError(f"a period occurs twice: {', '.join(sorted(periods))}")
        _same_framework(self.framework, cards)
        object.__setattr__(self, "scorecards", tuple(sorted(cards, key=lambda c: c.period)))


@attrs.frozen(field_transformer=tuple_fields)
class CohortReport:
    """Many Kommunen in one period: how each dimension's scores are distributed.

    ``period`` defaults to the latest period in the scorecards. Kommunen are not named unless
    ``names`` is true; ``highlight`` (a subject id) marks one Kommune so it sees where it stands.
    """

    scorecards: tuple[Scorecard, ...] = attrs.field(converter=_cards)
    framework: Framework
    period: str | None = None
    names: bool = False
    highlight: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.scorecards:
            raise QFrameworkError("a cohort report needs at least one scorecard")
        _same_framework(self.framework, self.scorecards)
        seen: dict[tuple[str, str], int] = {}
        for card in self.scorecards:
            key = (card.subject.id, card.period)
            seen[key] = seen.get(key, 0) + 1
        twice = sorted(key for key, n in seen.items() if n > 1)
        if twice:  # uncombined per-rater files would count one Kommune several times
            shown = ", ".join(f"{subject} {period}" for subject, period in twice[:5]) + (
                ", …" if len(twice) > 5 else ""
            )
            raise QFrameworkError(
                f"a Kommune occurs more than once in one period: {shown}; combine each Kommune's per-rater "
                "files into one assessment first (combine_assessments, qframework.cohort.combine_files)"
            )
        periods = {c.period for c in self.scorecards}
        if self.period is not None and self.period not in periods:
            from ..errors import NotFound

            raise NotFound.unknown("period", self.period, periods)
        if self.highlight is not None and self.highlight not in {c.subject.id for c in self.scorecards}:
            from ..errors import NotFound

            raise NotFound.unknown("subject", self.highlight, {c.subject.id for c in self.scorecards})

    @property
    def chosen_period(self) -> str:
        """The period the report is about: the one given, else the latest of the scorecards."""
        return self.period if self.period is not None else max(c.period for c in self.scorecards)


@attrs.frozen(field_transformer=tuple_fields)
class AssignmentReport:
    """A programme's or an assignment's result: groups, topics, each participant's explanation, a map.

    ``participants`` give names and locations (a participant without a location is listed, not
    drawn); ``rules`` give the topics' titles.
    """

    assignment: Assignment
    participants: tuple[Participant, ...] = attrs.field(default=(), converter=_participants)
    rules: AssignmentRules | None = None
    title: str = ""


Report = AssessmentReport | ProgressReport | CohortReport | AssignmentReport


def _same_framework(framework: Framework, cards: Sequence[Scorecard]) -> None:
    from .._args import expect
    from ..assessment.scoring import Scorecard as _Scorecard
    from ..model import Framework as _Framework

    expect(framework, _Framework, "report", "framework")
    for i, card in enumerate(cards):
        expect(card, _Scorecard, "report", f"scorecards[{i}]")
    others = sorted({c.framework for c in cards} - {framework.id})
    if others:
        raise QFrameworkError(
            f"the scorecards are of framework {others[0]!r}, the report's framework is {framework.id!r}"
        )


# -- the view: plain dictionaries for the templates -----------------------------------------------


class _Words:
    """Numbers and framework content in one language; remembers content shown in another language.

    Framework content comes in the language the plugin supplies. Where it has no translation into
    the report's language the original (German) text is shown, and :attr:`untranslated` records it
    so that the page says so once.
    """

    def __init__(self, lang: str, labels: Mapping[str, str]) -> None:
        self.lang = lang
        self.L = labels
        self.untranslated = False

    def num(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return self.L["na"]
        return format_number(value, digits, lang=self.lang)

    def signed(self, value: float | None) -> str:
        if value is None:
            return self.L["na"]
        return format_number(value, 2, sign=True, lang=self.lang)

    def pct(self, value: float | None) -> str:
        if value is None:
            return self.L["na"]
        return format_percent(value, lang=self.lang)

    def content(self, element: Any, source: str) -> str:
        """``source`` (German content) in the report language where ``element`` translates it."""
        if self.lang == SOURCE_LANGUAGE or not source:
            return source
        translations = getattr(element, "translations", None) or {}
        text = translations.get(self.lang)
        if text is not None and text.title:
            return str(text.title)
        self.untranslated = True
        return source

    def title(self, element: Any) -> str:
        """An element's title in the report language where the framework translates it."""
        return self.content(element, str(getattr(element, "title", None) or getattr(element, "label", "")))

    def level(self, level: Level) -> str:
        return self.content(level, level.label)

    def plain(self, text: str) -> str:
        """Content with no translations at all (a topic title of assignment rules): German, marked as such."""
        if text and self.lang != SOURCE_LANGUAGE:
            self.untranslated = True
        return text

    def nearest(self, scale: Scale, score: float | None) -> str:
        """The label of the scale level nearest to a 0..1 score (ties go to the lower level)."""
        if score is None:
            return self.L["na"]
        raw = scale.minimum + score * (scale.maximum - scale.minimum)
        best = min(scale.levels, key=lambda lv: (abs(lv.value - raw), lv.value))
        return self.level(best)


def _provenance(framework: Framework, w: _Words) -> dict[str, Any]:
    counts: dict[str, int] = {}
    used: set[str] = set()
    elements: list[Any] = [*framework.dimensions, *framework.indicators()]
    for element in elements:
        prov = element.provenance
        kind = prov.kind if prov is not None else "missing"
        counts[kind] = counts.get(kind, 0) + 1
        if prov is not None and prov.source:
            used.add(prov.source)
    order = ("quoted", "paraphrased", "inferred", "authored", "missing")
    return {
        "kinds": [{"kind": k, "label": w.L[f"kind_{k}"], "count": counts[k]} for k in order if k in counts],
        "sources": [
            {"id": s.id, "title": s.title, "url": s.url} for s in framework.sources if s.id in used or not used
        ],
        "publisher": framework.publisher,
    }


def _translation(report: AssessmentReport, indicator_title: Callable[[str], str]) -> dict[str, Any] | None:
    """The translation notice: the crosswalk, the source framework, and what was lost or guessed."""
    t = report.translation
    if t is None:
        return None
    return {
        "crosswalk": {"id": t.crosswalk, "title": t.crosswalk_title or t.crosswalk},
        "source": {
            "id": t.source.framework,
            "title": t.source_title or t.source.framework,
            "version": t.source.version,
        },
        "carried": len(t.carried),
        "exact": len(t.exact),
        "guessed": len(t.guessed),
        "rescaled": len(t.rescaled),
        "lost_ratings": t.lost_ratings,
        "unmapped_sources": list(t.unmapped_sources),
        "unmapped_targets": [indicator_title(i) for i in t.unmapped_targets],
        "unrated_targets": [indicator_title(i) for i in t.unrated_targets],
    }


def _assessment(report: AssessmentReport, w: _Words) -> dict[str, Any]:
    from ..assessment import disagreements, priorities
    from .svg import bars, radar

    card, fw = report.scorecard, report.framework
    scale = fw.scale()
    L = w.L
    dims_by_id = {d.id: d for d in fw.dimensions}
    dims: list[dict[str, Any]] = []
    for d in card.dimensions:
        element = dims_by_id.get(d.dimension)
        title = w.title(element) if element is not None else d.title
        dims.append(
            {
                "id": d.dimension,
                "number": d.number,
                "title": title,
                "score": w.num(d.score),
                "value": d.score,
                "level": w.nearest(scale, d.score),
                "coverage": w.pct(d.coverage),
                "rated": d.rated,
                "indicators": d.indicators,
                "spread": w.num(d.spread),
            }
        )
    by_id = {d["id"]: d for d in dims}
    ratings_of: dict[str, list[Any]] = {}
    roles: dict[str, str] = {}
    if report.assessment is not None:
        roles = {r.id: r.role or r.name or r.id for r in report.assessment.raters}
        for rating in report.assessment.ratings:
            ratings_of.setdefault(rating.indicator, []).append(rating)

    def indicator_title(ind_id: str) -> str:
        try:
            return w.title(fw.indicator(ind_id))
        except QFrameworkError:
            return ind_id

    def level_text(ind_id: str, value: int | None) -> str:
        if value is None:
            return L["not_applicable"]
        try:
            return f"{value} · {w.level(fw.scale_of(ind_id).level(value))}"
        except QFrameworkError:
            return str(value)

    def kind_of(ind_id: str) -> str:
        try:
            prov = fw.indicator(ind_id).provenance
        except QFrameworkError:
            return L["kind_missing"]
        return L[f"kind_{prov.kind}"] if prov is not None else L["kind_missing"]

    contested = []
    for item in disagreements(card, report.threshold):
        rows = [
            {"rater": roles.get(r.rater or "", r.rater or ""), "level": level_text(item.indicator, r.value)}
            for r in ratings_of.get(item.indicator, [])
        ] or [{"rater": "", "level": level_text(item.indicator, v)} for v in item.values]
        contested.append(
            {
                "id": item.indicator,
                "title": indicator_title(item.indicator),
                "dimension": by_id[item.dimension]["title"] if item.dimension in by_id else item.dimension,
                "spread": w.num(item.spread),
                "not_applicable": item.not_applicable,
                "ratings": rows,
                "provenance": kind_of(item.indicator),
            }
        )
    remarks = []
    for ind_id, ratings in ratings_of.items():
        for r in ratings:
            if r.evidence.strip() or r.comment.strip():
                remarks.append(
                    {
                        "indicator": indicator_title(ind_id),
                        "rater": roles.get(r.rater or "", r.rater or ""),
                        "level": level_text(ind_id, r.value),
                        "evidence": r.evidence,
                        "comment": r.comment,
                    }
                )
    raters = (
        [{"id": r.id, "role": r.role, "name": r.name} for r in report.assessment.raters]
        if report.assessment is not None
        else []
    )
    chart_rows = [(f"{d['number']} {d['title']}", d["value"], f"{d['score']} · {d['level']}") for d in dims]
    return {
        "kind": "assessment",
        "title": L["assessment_title"],
        "framework": {"id": fw.id, "title": w.title(fw), "version": card.framework_version},
        "subject": {"id": card.subject.id, "name": card.subject.name or card.subject.id, "region": card.subject.region},
        "period": card.period,
        "overall": w.num(card.overall),
        "overall_level": w.nearest(scale, card.overall),
        "coverage": w.pct(card.coverage),
        "ratings": card.ratings,
        "raters_count": card.raters,
        "not_applicable": card.not_applicable,
        "aggregation": translation(w.lang).gettext(AGGREGATION_NAMES[card.aggregation])
        if card.aggregation in AGGREGATION_NAMES
        else card.aggregation,
        "scale": {"title": w.title(scale), "levels": [w.level(lv) for lv in scale.levels]},
        "dimensions": dims,
        "disagreements": contested,
        "threshold": w.num(report.threshold),
        "priorities": [by_id[d.dimension] for d in priorities(card, report.priorities)],
        "remarks": remarks,
        "raters": raters,
        "notes": report.assessment.notes if report.assessment is not None else "",
        "success_definition": report.assessment.success_definition if report.assessment is not None else "",
        "changes": str(card.changes) if card.changes is not None else "",
        "provenance": _provenance(fw, w),
        "translation": _translation(report, indicator_title),
        "radar": radar([(str(d["number"]), d["value"]) for d in dims], label=L["chart_radar"]),
        "bars": bars(chart_rows, label=L["chart_bars"], ticks=[w.level(lv) for lv in scale.levels]),
    }


def _progress(report: ProgressReport, w: _Words) -> dict[str, Any]:
    from ..assessment import compare
    from .svg import trend

    cards, fw = report.scorecards, report.framework
    L = w.L
    scale = fw.scale()
    periods = [c.period for c in cards]
    change = compare(cards[0], cards[-1])
    delta = {d.dimension: d.delta for d in change.dimensions}
    titles = {d.id: w.title(d) for d in fw.dimensions}
    order = [(d.dimension, d.number, titles.get(d.dimension, d.title)) for d in cards[-1].dimensions]
    scores = [{d.dimension: d.score for d in c.dimensions} for c in cards]
    rows: list[dict[str, Any]] = []
    for dim_id, number, title in order:
        values = [s.get(dim_id) for s in scores]
        rows.append(
            {
                "number": number,
                "title": title,
                "values": [w.num(v) for v in values],
                "raw": values,
                "level": w.nearest(scale, values[-1]),
                "change": w.signed(delta.get(dim_id)),
            }
        )
    overall = [c.overall for c in cards]
    series = [(f"{r['number']} {r['title']}", r["raw"]) for r in rows]
    first = cards[0]
    return {
        "kind": "progress",
        "title": L["progress_title"],
        "framework": {"id": fw.id, "title": w.title(fw), "version": cards[-1].framework_version},
        "subject": {"id": first.subject.id, "name": first.subject.name or first.subject.id},
        "periods": periods,
        "rows": rows,
        "overall": [w.num(v) for v in overall],
        "overall_change": w.signed(change.overall_delta),
        "coverage": [w.pct(c.coverage) for c in cards],
        "improved": [titles.get(d.dimension, d.title) for d in change.improved],
        "declined": [titles.get(d.dimension, d.title) for d in change.declined],
        "chart": trend(periods, series, label=L["chart_trend"]),
        "provenance": _provenance(fw, w),
    }


def _cohort(report: CohortReport, w: _Words) -> dict[str, Any]:
    from .svg import Box, boxes, trend

    fw = report.framework
    L = w.L
    period = report.chosen_period
    cards = [c for c in report.scorecards if c.period == period]
    titles = {d.id: w.title(d) for d in fw.dimensions}
    numbers = {d.id: d.number for d in fw.dimensions}
    values: dict[str, list[float]] = {d.id: [] for d in fw.dimensions}
    own: dict[str, float | None] = {}
    own_card = None
    for c in cards:
        for d in c.dimensions:
            if d.score is not None:
                values.setdefault(d.dimension, []).append(d.score)
        if c.subject.id == report.highlight:
            own_card = c
            own = {d.dimension: d.score for d in c.dimensions}
    rows = []
    chart_rows: list[tuple[str, Box | None, float | None]] = []
    for dim_id, vals in values.items():
        box = Box(vals) if vals else None
        title = titles.get(dim_id, dim_id)
        rows.append(
            {
                "number": numbers.get(dim_id, 0),
                "title": title,
                "count": len(vals),
                "minimum": w.num(box.minimum if box else None),
                "q1": w.num(box.q1 if box else None),
                "median": w.num(box.median if box else None),
                "q3": w.num(box.q3 if box else None),
                "maximum": w.num(box.maximum if box else None),
                "own": w.num(own.get(dim_id)) if own_card is not None else "",
            }
        )
        chart_rows.append((f"{numbers.get(dim_id, '')} {title}", box, own.get(dim_id)))
    overall = sorted((c.overall for c in cards if c.overall is not None), reverse=True)
    highlight: dict[str, Any] | None = None
    if own_card is not None:
        rank = 1 + sum(1 for v in overall if own_card.overall is not None and v > own_card.overall)
        highlight = {
            "id": own_card.subject.id,
            "name": own_card.subject.name or own_card.subject.id,
            "overall": w.num(own_card.overall),
            "rank": rank if own_card.overall is not None else None,
            "of": len(overall),
        }
    periods = sorted({c.period for c in report.scorecards})
    median_chart = None
    if len(periods) > 1:
        per: dict[str, dict[str, list[float]]] = {p: {} for p in periods}
        for c in report.scorecards:
            bucket = per[c.period]
            for d in c.dimensions:
                if d.score is not None:
                    bucket.setdefault(d.dimension, []).append(d.score)
        series = []
        for dim_id in values:
            line: list[float | None] = []
            for p in periods:
                got = per[p].get(dim_id)
                line.append(Box(got).median if got else None)
            series.append((f"{numbers.get(dim_id, '')} {titles.get(dim_id, dim_id)}", line))
        median_chart = trend(periods, series, label=L["median_trend"])
    names = (
        [
            {
                "id": c.subject.id,
                "name": c.subject.name or c.subject.id,
                "overall": w.num(c.overall),
                "coverage": w.pct(c.coverage),
            }
            for c in sorted(cards, key=lambda c: (c.subject.name or c.subject.id).casefold())
        ]
        if report.names
        else []
    )
    return {
        "kind": "cohort",
        "title": L["cohort_title"],
        "framework": {"id": fw.id, "title": w.title(fw), "version": cards[0].framework_version},
        "period": period,
        "periods": periods,
        "count": len(cards),
        "rows": rows,
        "highlight": highlight,
        "names": names,
        "show_names": report.names,
        "chart": boxes(chart_rows, label=L["chart_distribution"], mark=highlight["name"] if highlight else ""),
        "median_chart": median_chart,
        "provenance": _provenance(fw, w),
    }


def _assignment(report: AssignmentReport, w: _Words) -> dict[str, Any]:
    from .svg import MapPoint, location_map
    from .text import reason_lines

    a = report.assignment
    L = w.L
    people = {p.id: p for p in report.participants}
    topic_titles = {t.id: t.title or t.id for t in report.rules.topics} if report.rules is not None else {}

    def name(pid: str) -> str:
        p = people.get(pid)
        return (p.name or pid) if p is not None else pid

    def topic(tid: str) -> str:
        title = topic_titles.get(tid, "")
        return w.plain(title) if title and title != tid else tid

    groups = [
        {
            "id": g.id,
            "required": [topic(t) for t in g.required],
            "optional": [topic(t) for t in g.optional],
            "members": [name(m) for m in g.members],
        }
        for g in a.groups
    ]
    index = {g.id: i for i, g in enumerate(a.groups)}
    ids = list(a.participant_ids) + [p.id for p in report.participants if p.id not in a.participant_ids]
    participants = []
    points = []
    unlocated = []
    for pid in ids:
        if pid in a.participant_ids:
            ex = a.explain(pid)
            topics = [{"title": topic(t.topic), "required": t.required, "rank": t.rank} for t in ex.topics]
            group = ex.group
            row = {
                "id": pid,
                "name": name(pid),
                "placed": ex.placed,
                "group": group,
                "with": [name(m) for m in ex.group_members],
                "topics": topics,
                "reasons": reason_lines(ex.reasons, titles=topic_titles),
            }
        else:
            group = None
            row = {
                "id": pid,
                "name": name(pid),
                "placed": False,
                "group": None,
                "with": [],
                "topics": [],
                "reasons": [],
            }
        participants.append(row)
        person = people.get(pid)
        if person is not None and person.location is not None:
            lat, lon = person.location
            points.append(MapPoint(name(pid), lat, lon, index.get(group) if group is not None else None))
        else:
            unlocated.append(name(pid))
    legend = [g.id for g in a.groups]
    return {
        "kind": "assignment",
        "title": report.title or L["assignment_title"],
        "groups": groups,
        "participants": participants,
        "unassigned": [name(u) for u in a.unassigned],
        "cost": a.cost,
        "map": location_map(points, legend, label=L["chart_map"], other=L["no_group"]) if points else None,
        "unlocated": unlocated if points else [],
    }


_VIEWS: Mapping[type, Callable[[Any, _Words], dict[str, Any]]] = {
    AssessmentReport: _assessment,
    ProgressReport: _progress,
    CohortReport: _cohort,
    AssignmentReport: _assignment,
}


def view(report: Report, lang: str) -> dict[str, Any]:
    """The dictionary a template reads for ``report`` in ``lang`` (labels under ``L``)."""
    from .labels import labels

    table = labels(lang)
    try:
        build = _VIEWS[type(report)]
    except KeyError:
        raise TypeError(
            "expected an AssessmentReport, ProgressReport, CohortReport or AssignmentReport, "
            f"got {type(report).__name__}"
        ) from None
    words = _Words(lang, table)
    data = build(report, words)
    data["L"] = table
    data["lang"] = lang
    # Said once per page, never inside a sentence: which content is shown in its original language.
    data["content_note"] = translation(lang).gettext(UNTRANSLATED_NOTE) if words.untranslated else ""
    return data

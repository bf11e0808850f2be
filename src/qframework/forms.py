"""A framework's self-assessment as a form: what to ask, and the answers back as an :class:`Assessment`.

A web page, a desktop dialog or an interactive command asks one rater the same questions a
template file does: who is assessed, in which period, who rates, and per indicator a level of its
scale (by label), not applicable where the scale allows it, evidence and a comment (and the tier
for two-step standards). :func:`assessment_form` describes those questions in one language;
:func:`assessment_from_form` reads the answers — flat ``name → text`` fields, as an HTML form
posts them — into a validated :class:`Assessment`, raising one :class:`ValidationError` whose
problem paths are the *field names*, so every message can be shown next to its field.
:func:`form_fields` is the inverse, for prefilling a form with a stored assessment.

Field names: ``subject.id``, ``subject.name``, ``period``, ``rater.id``, ``rater.role``,
``rater.name``, and per indicator ``<indicator>.rating`` (a level's value, ``n/a`` or empty for
not yet rated), ``<indicator>.evidence``, ``<indicator>.comment``, ``<indicator>.tier``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ._deprecated import renamed_arguments, warn_renamed
from .assessment.fit import check_assessment
from .assessment.model import NOT_APPLICABLE, Assessment, Rater, Rating, Subject
from .errors import Problem, ValidationError
from .io import structure
from .model import Framework, Scale

__all__ = [
    "HEADER_FIELDS",
    "AssessmentForm",
    "FormChoice",
    "FormQuestion",
    "FormSection",
    "assessment_form",
    "assessment_from_form",
    "field_name",
    "form_fields",
]

#: The fields every form has besides the indicators', in the order a form shows them.
HEADER_FIELDS = ("subject.id", "subject.name", "period", "rater.id", "rater.role", "rater.name")

#: The parts of an indicator's answer; the field of part ``p`` of indicator ``i`` is ``f"{i}.{p}"``.
PARTS = ("rating", "evidence", "comment", "tier")

_NO_RATING = "no rating: choose a level or not applicable (or clear the row)"
_UNRATED = "not yet rated: choose a level or not applicable"
#: The not-applicable choice's label: a message of the one catalogue (``nicht zutreffend`` in German).
_NOT_APPLICABLE_MESSAGE = "not applicable"


def field_name(indicator: str, part: str) -> str:
    """The form field of one part (``rating``, ``evidence``, ``comment``, ``tier``) of an indicator's answer."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r} (parts: {', '.join(PARTS)})")
    return f"{indicator}.{part}"


@attrs.frozen
class FormChoice:
    """One choice of a drop-down or radio group: the value the form posts and the label a person reads."""

    value: str
    label: str


@attrs.frozen
class FormQuestion:
    """One indicator as a question: its text, the scale's levels as choices, and where the text comes from."""

    indicator: str
    title: str
    description: str
    choices: tuple[FormChoice, ...]
    tiers: tuple[FormChoice, ...] = ()
    provenance: str = ""

    @property
    def rating_field(self) -> str:
        return field_name(self.indicator, "rating")

    @property
    def evidence_field(self) -> str:
        return field_name(self.indicator, "evidence")

    @property
    def comment_field(self) -> str:
        return field_name(self.indicator, "comment")

    @property
    def tier_field(self) -> str:
        return field_name(self.indicator, "tier")


@attrs.frozen
class FormSection:
    """One dimension of the framework: a heading and its indicators' questions."""

    dimension: str
    number: int
    title: str
    questions: tuple[FormQuestion, ...]


@renamed_arguments(framework_id="framework")
@attrs.frozen
class AssessmentForm:
    """What a self-assessment form of one framework version asks, in one language."""

    framework: str
    framework_version: str
    title: str
    lang: str
    sections: tuple[FormSection, ...]

    @property
    def framework_id(self) -> str:
        """Deprecated since 0.3.0 (removed in 0.4.0): the framework's id is :attr:`framework`."""
        warn_renamed("AssessmentForm.framework_id", "AssessmentForm.framework")
        return self.framework

    def questions(self) -> Iterator[FormQuestion]:
        for section in self.sections:
            yield from section.questions


def _title(element: Any, lang: str) -> tuple[str, str]:
    text = element.translations.get(lang) if lang != "de" else None
    if text is not None:
        return text.title, text.description
    return element.title, getattr(element, "description", "")


def _choices(scale: Scale, lang: str) -> tuple[FormChoice, ...]:
    out = []
    for level in scale.levels:
        text = level.translations.get(lang) if lang != "de" else None
        out.append(FormChoice(str(level.value), text.title if text is not None else level.label))
    if scale.allow_not_applicable:
        from .i18n import translation

        out.append(FormChoice(NOT_APPLICABLE, translation(lang).gettext(_NOT_APPLICABLE_MESSAGE)))
    return tuple(out)


def assessment_form(framework: Framework, lang: str = "de") -> AssessmentForm:
    """The questions of ``framework``'s self-assessment, texts in ``lang`` where the framework translates them.

    Choices list the scale's levels lowest first, then not applicable where the scale allows it;
    ``provenance`` is the indicator text's provenance kind (``quoted``, ``paraphrased``, …), so a
    form can say whose words a question is.
    """
    sections = []
    for dim in framework.dimensions:
        questions = []
        for ind in dim.indicators:
            title, description = _title(ind, lang)
            tiers = tuple(FormChoice(t.id, _title(t, lang)[0]) for t in ind.tiers)
            kind = ind.provenance.kind if ind.provenance is not None else ""
            scale = framework.scale(ind.scale or framework.default_scale)
            questions.append(FormQuestion(ind.id, title, description, _choices(scale, lang), tiers, kind))
        sections.append(FormSection(dim.id, dim.number, _title(dim, lang)[0], tuple(questions)))
    return AssessmentForm(framework.id, framework.version, _title(framework, lang)[0], lang, tuple(sections))


def _field(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def assessment_from_form(framework: Framework, fields: Mapping[str, str], *, complete: bool = False) -> Assessment:
    """One rater's assessment of ``framework`` from the posted form ``fields``; all problems at once.

    Every problem's path is the field it concerns (``rater.id``, ``netzwerk-1.rating``), so a form
    shows each message next to its input. An indicator left empty is not yet rated and gets no rating entry (with
    ``complete`` it is a problem); evidence or a comment without a rating is a problem, as in the
    Excel template. Fields the form does not define (a CSRF token, a button) are ignored.
    """
    problems: list[Problem] = []
    subject_data = {"id": _field(fields, "subject.id"), "name": _field(fields, "subject.name")}
    rater_data = {k: _field(fields, f"rater.{k}") for k in ("id", "role", "name")}
    period = _field(fields, "period")
    for prefix, given, cls in (("subject", subject_data, Subject), ("rater", rater_data, Rater)):
        try:
            structure(given, cls)
        except ValidationError as exc:
            problems += [p.at(f"{prefix}.{p.path}" if p.path else prefix) for p in exc.problems]
            given["id"] = "x"  # a stand-in, so the ratings are still checked against the framework
    if not period:
        problems.append(Problem.of("period", "assessment.period.empty"))
    ratings: list[dict[str, Any]] = []
    order: list[str] = []
    for dim in framework.dimensions:
        for ind in dim.indicators:
            raw = _field(fields, field_name(ind.id, "rating"))
            entry: dict[str, Any] = {"indicator": ind.id, "rater": rater_data["id"]}
            for part in ("evidence", "comment"):
                text = _field(fields, field_name(ind.id, part))
                if text:
                    entry[part] = text
            tier = _field(fields, field_name(ind.id, "tier"))
            if raw == NOT_APPLICABLE:
                entry["not_applicable"] = True
            elif raw.lstrip("-").isdigit():
                entry["value"] = int(raw)
            elif raw:
                problems.append(Problem.of(field_name(ind.id, "rating"), "form.rating.choose", got=repr(raw)))
                continue
            elif "evidence" in entry or "comment" in entry or tier:
                problems.append(Problem.of(field_name(ind.id, "rating"), "form.rating.none"))
                continue
            else:
                if complete:
                    problems.append(Problem.of(field_name(ind.id, "rating"), "form.rating.unrated"))
                continue  # not yet rated: no entry
            if tier:
                entry["tier"] = tier
            ratings.append(entry)
            order.append(ind.id)
    data: dict[str, Any] = {
        "framework_id": framework.id,
        "framework_version": framework.version,
        "subject": {k: v for k, v in subject_data.items() if v},
        "period": period or "x",
        "raters": [{k: v for k, v in rater_data.items() if v}],
        "ratings": ratings,
    }
    assessment = structure(data, Assessment)  # every part was checked or built above
    for p in check_assessment(assessment, framework):
        index, _, part = p.path.partition("].")
        indicator = order[int(index.removeprefix("ratings["))]
        problems.append(p.at(field_name(indicator, "tier" if part == "tier" else "rating")))
    if problems:
        raise ValidationError(problems)
    return assessment


def form_fields(assessment: Assessment, rater: str | None = None) -> dict[str, str]:
    """The form fields that post ``assessment``'s answers of ``rater`` back (default: its first rater)."""
    who = rater if rater is not None else (assessment.raters[0].id if assessment.raters else None)
    person = next((r for r in assessment.raters if r.id == who), None)
    fields = {
        "subject.id": assessment.subject.id,
        "subject.name": assessment.subject.name,
        "period": assessment.period,
        "rater.id": who or "",
        "rater.role": person.role if person else "",
        "rater.name": person.name if person else "",
    }
    for r in assessment.ratings:
        if r.rater != who or not isinstance(r, Rating):
            continue
        if r.not_applicable:
            fields[field_name(r.indicator, "rating")] = NOT_APPLICABLE
        elif r.value is not None:
            fields[field_name(r.indicator, "rating")] = str(r.value)
        for part, text in (("evidence", r.evidence), ("comment", r.comment), ("tier", r.tier or "")):
            if text:
                fields[field_name(r.indicator, part)] = text
    return fields

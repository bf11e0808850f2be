"""Facts that results carry, and the one table that words them.

A result (an assignment's notes, a validation :class:`~qframework.errors.Problem`, a rule
:class:`~qframework.assignment.Violation`) holds a :class:`Note`: a stable ``code`` and its
parameters (ids, ranks, counts, km). It holds no sentence, so the same plan made under ``de`` and
under ``en`` is equal, hashes alike and round-trips through :mod:`qframework.io` unchanged.

Words are made only when shown: :meth:`Note.text` looks the code up in :data:`TEMPLATES` (English
message ids, translated through the ``qframework`` gettext catalogue) in the active language
(:func:`qframework.i18n.language`). A third language needs only a new catalogue.

Parameters are plain values: text, whole numbers, numbers, true/false, a tuple of texts, or another
:class:`Note` (a word that must itself be translated, such as the role of a topic). Numbers are
formatted for the language (a decimal comma in German); ids listed under ``titles`` are shown with
their title beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

import attrs

from .frozen import FrozenMap

__all__ = ["TEMPLATES", "Note", "Param", "notes", "render"]

def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (gettext's ``N_``)."""
    return message


#: Every code a :class:`Note` may carry, with its English wording (the catalogue's message id).
#: Codes are stable: tools may match on them. Wording may change; codes do not.
TEMPLATES: Mapping[str, str] = {
    # -- words used as parameters of other notes
    "role.required": N_("assigned"),
    "role.optional": N_("optional (if time allows)"),
    # -- why a participant got a topic
    "given.mandatory": N_("{topic}: {role}, mandatory for every participant."),
    "given.ranked": N_("{topic}: {role}, your preference rank {rank}."),
    "given.unranked": N_("{topic}: {role}, not among your preferences (counts as rank {rank})."),
    "only-optional": N_(
        "{topic} (your rank {rank}) is only optional: required topics must be distinct and it is "
        "already assigned to {others}."
    ),
    # -- why a participant did not get a better-ranked topic; the causes follow as separate notes
    "not-given": N_("Not {topic} (your rank {rank}):"),
    "not-given.full": N_("its capacity is full ({count} of {max})."),
    "not-given.distinct": N_("required topics must be distinct and it is already assigned to {others}."),
    "not-given.overlap": N_("you already have {topics}, which overlaps it."),
    "not-given.per-group": N_("topics are chosen per group, and the group as a whole is better off without it."),
    "not-given.minimum": N_("{topics} needs its minimum number of participants."),
    "not-given.minimum-many": N_("{topics} need their minimum numbers of participants."),
    "not-given.cost": N_("giving it to you would raise the total rank cost for the others by more."),
    "not-given.distance": N_(
        "the nearest group working on it ({group}) is {km} km away, worth {ranks} ranks at {km_per_rank} km per rank."
    ),
    # -- a participant left out of a selection
    "unassigned": N_("Not selected: participants may stay unassigned, and the places went where they cost less."),
    "unassigned.full": N_("Full: {topic} ({count} of {max})."),
    # -- a note read from a file written before notes were facts (its text, in the language it was made in)
    "text": N_("{text}"),
}


def frozen_params(params: Mapping[str, Param] | None = None) -> FrozenMap[str, Param]:
    """The parameters of a note as a :class:`~qframework.frozen.FrozenMap` (a field converter)."""
    return params if isinstance(params, FrozenMap) else FrozenMap(params or {})


@attrs.frozen
class Note:
    """A fact a result carries: a stable ``code`` and its parameters; words are made when shown.

    ``Note("given.ranked", {"topic": "netzwerk", "role": Note("role.required"), "rank": 2})``;
    :attr:`text` words it in the active language, :attr:`english` in English (for logs).
    """

    code: str
    params: FrozenMap[str, Param] = attrs.field(factory=FrozenMap, converter=frozen_params)

    @property
    def text(self) -> str:
        """The note in the active language."""
        return render(self)

    @property
    def english(self) -> str:
        """The note in English, whatever language is active (for logs and tools)."""
        from .i18n import language

        with language("en"):
            return render(self)

    def __str__(self) -> str:
        return render(self)


#: A parameter value of a :class:`Note`.
Param = Union[str, int, float, bool, tuple[str, ...], Note]  # noqa: UP007 - a runtime alias the converter reads


def _number(value: float) -> str:
    """A number as the active language writes it: ``2,5`` in German, ``2.5`` in English."""
    from .i18n import format_number

    return format_number(value)


def _value(value: Param, titles: Mapping[str, str] | None, titled: bool) -> str:
    if isinstance(value, Note):
        return render(value, titles=titles)
    if isinstance(value, bool):
        from .i18n import gettext_

        return gettext_("yes") if value else gettext_("no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, tuple):
        return ", ".join(_value(v, titles, titled) for v in value)
    if titled and titles is not None:
        title = titles.get(value)
        if title and title != value:
            return f"{title} ({value})"
    return value


#: Parameters that name topics (shown with their titles where the caller knows them).
_TITLED = frozenset({"topic", "topics"})


def render(note: Note, *, titles: Mapping[str, str] | None = None) -> str:
    """``note`` in the active language; ``titles`` (id → title) shows topic ids with their title:
    ``"Netzwerk (netzwerk)"``.

    An unknown code (a note from a newer qframework) is shown as its code and parameters rather
    than failing: a reader of results never crashes on them.
    """
    from .i18n import gettext_

    template = TEMPLATES.get(note.code)
    values = {k: _value(v, titles, k in _TITLED) for k, v in note.params.items()}
    if template is None:
        return f"[{note.code}] " + ", ".join(f"{k}={v}" for k, v in values.items())
    try:
        return gettext_(template).format(**values)
    except (KeyError, IndexError, ValueError):
        # a parameter missing from a hand-made note: the English wording never fails
        return template.format_map(_Missing(values))


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def notes(values: object) -> tuple[Note, ...]:
    """A field converter: a sequence of notes as a tuple; a plain string (a note written before
    notes were facts) becomes ``Note("text", {"text": ...})``, kept for one minor release."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        return values  # type: ignore[return-value]  # the field's check reports it
    return tuple(Note("text", {"text": v}) if isinstance(v, str) else v for v in values)

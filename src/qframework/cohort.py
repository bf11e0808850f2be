"""Cohort glue a Land's tool needs around the core: files per rater in, series per Kommune out.

A coordination office collects one file per rater (TOML, JSON or a filled-in workbook), for many
Kommunen and years. :func:`combine_files` turns a folder (or list) of such files into one
multi-rater assessment per framework version, Kommune and period (:func:`group_for_combining`,
the same code ``qframework score --combine`` runs); :func:`series` orders scorecards per Kommune
by period; :func:`compare_series` compares every consecutive pair of each Kommune's series;
:func:`slugify` makes a stable id from a Kommune's name (``Landkreis Lüneburg`` →
``landkreis-lueneburg``); :func:`participant_from_priorities` turns a Kommune's scorecard into its
wishes for a programme (what the demo's planning and reports run).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from ._args import expect, expect_str, refuse
from .assessment.combine import group_for_combining
from .errors import QFrameworkError

if TYPE_CHECKING:
    from .assessment import Assessment, Comparison, Scorecard
    from .assignment import AssignmentRules, Participant
    from .plugins import Registry

__all__ = [
    "ASSESSMENT_SUFFIXES",
    "combine_files",
    "compare_series",
    "group_for_combining",
    "participant_from_priorities",
    "series",
    "slugify",
]

#: The file kinds :func:`combine_files` reads from a folder: what :func:`~qframework.load_assessment` reads.
ASSESSMENT_SUFFIXES = (".toml", ".json", ".xlsx")

# German umlauts spelt out; letters Unicode does not decompose to ASCII (æ, ø, œ, ł, đ) by their usual spelling.
_SPELT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
    | {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
)


def slugify(name: str) -> str:
    """A lower-case ASCII id from a name: German umlauts spelt out (``ü`` → ``ue``, ``ß`` → ``ss``), other
    accents dropped, every run of other characters one ``-``: ``Landkreis Lüneburg`` → ``landkreis-lueneburg``,
    ``Hansestadt Lübeck (Kreisfreie Stadt)`` → ``hansestadt-luebeck-kreisfreie-stadt``.

    The result is a valid qframework id (``[a-z0-9-]``, no leading or trailing ``-``); a name without any
    letter or digit is refused (:class:`QFrameworkError`), since an empty id would name nothing.
    """
    expect_str(name, "slugify", "name")
    ascii_text = unicodedata.normalize("NFKD", name.translate(_SPELT)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise QFrameworkError(f"slugify: {name!r} has no letter or digit to make an id from")
    return slug


def _paths(source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        if not folder.is_dir():
            raise QFrameworkError(
                f"combine_files: source {os.fspath(source)} is not a folder; pass a folder or a list of files"
            )
        found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ASSESSMENT_SUFFIXES)
        if not found:
            raise QFrameworkError(
                f"combine_files: {os.fspath(source)} holds no assessment file ({', '.join(ASSESSMENT_SUFFIXES)})"
            )
        return found
    if isinstance(source, bytes) or not isinstance(source, Iterable):
        refuse(source, "combine_files", "source", "a folder (str or os.PathLike) or a list of files")
    paths = list(source)
    for i, p in enumerate(paths):
        expect(p, (str, os.PathLike), "combine_files", f"source[{i}]", "a str or os.PathLike")
    return [Path(p) for p in paths]


def combine_files(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, registry: Registry | None = None
) -> list[Assessment]:
    """One assessment per framework version, Kommune and period from a folder (or list) of per-rater files.

    A folder is read in name order, every ``.toml``, ``.json`` and ``.xlsx`` file in it (not its
    subfolders). Each file is loaded with :func:`~qframework.load_assessment` (against ``registry``,
    default the installed plugins); the files of one group are joined by
    :func:`~qframework.combine_assessments`, each problem named after its file. Every problem of every
    file and group is raised together (:class:`~qframework.ValidationError`); the result is in order of
    each group's first file.
    """
    from .assessment.files import load_assessment
    from .errors import Problem, ValidationError, join_path

    items: list[tuple[str, Assessment]] = []
    problems: list[Problem] = []
    for path in _paths(source):
        try:
            items.append((path.name, load_assessment(path, registry=registry)))
        except ValidationError as exc:  # every file's problems, each under its file name
            problems.extend(Problem(join_path(path.name, p.path), p.message) for p in exc.problems)
    if problems:
        raise ValidationError(problems)
    return [combined for _, combined in group_for_combining(items)]


def _scorecards(cards: Iterable[Scorecard], function: str) -> list[Scorecard]:
    from .assessment.scoring import Scorecard

    if isinstance(cards, (str, bytes, Scorecard)) or not isinstance(cards, Iterable):
        refuse(cards, function, "cards", "an iterable of Scorecard")
    out = list(cards)
    for i, card in enumerate(out):
        expect(card, Scorecard, function, f"cards[{i}]")
    return out


def series(cards: Iterable[Scorecard]) -> dict[str, tuple[Scorecard, ...]]:
    """Each Kommune's scorecards, oldest period first, keyed by subject id (in order of the id).

    Periods compare as text (``2024`` < ``2024-H2`` < ``2025``), as :func:`~qframework.compare` has them.
    One Kommune with two scorecards of one period and framework is refused: it usually means per-rater
    files that were not combined (:func:`combine_files`).
    """
    by_subject: dict[str, list[Scorecard]] = {}
    for card in _scorecards(cards, "series"):
        by_subject.setdefault(card.subject.id, []).append(card)
    out: dict[str, tuple[Scorecard, ...]] = {}
    for subject in sorted(by_subject):
        ordered = sorted(by_subject[subject], key=lambda c: (c.period, c.framework))
        keys = [(c.framework, c.period) for c in ordered]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise QFrameworkError(
                f"series: Kommune {subject!r} has more than one scorecard for {', '.join(p for _, p in twice)}; "
                "combine its per-rater files first (combine_files)"
            )
        out[subject] = tuple(ordered)
    return out


def compare_series(cards: Iterable[Scorecard]) -> list[Comparison]:
    """:func:`~qframework.compare` of every consecutive pair of periods of every Kommune (by subject id, then period).

    A Kommune with one period gives no comparison; scorecards of different frameworks within one Kommune's
    series are refused by ``compare`` as always.
    """
    from .assessment.scoring import compare

    out: list[Comparison] = []
    for cards_of_one in series(_scorecards(cards, "compare_series")).values():
        out.extend(compare(before, after) for before, after in pairwise(cards_of_one))
    return out


def participant_from_priorities(
    card: Scorecard,
    rules: AssignmentRules,
    *,
    n: int | None = None,
    name: str | None = None,
    location: tuple[float, float] | None = None,
) -> Participant:
    """A Kommune's :class:`~qframework.Participant` for a programme, its wishes taken from its self-assessment.

    The preferences are the scored dimensions that are topics of ``rules``, weakest first (the order of
    :func:`~qframework.priorities`), without the topics every participant takes anyway
    (``rules.mandatory_topics``), the first ``n`` of them (all without ``n``). The id is the scorecard's
    subject id; ``name`` defaults to the subject's name. ``location`` (latitude, longitude) is for
    regional clusters: a scorecard does not know it.
    """
    from .assessment.scoring import Scorecard, priorities
    from .assignment import AssignmentRules, Participant

    expect(card, Scorecard, "participant_from_priorities", "card")
    expect(rules, AssignmentRules, "participant_from_priorities", "rules")
    if n is not None:
        from ._args import expect_int

        expect_int(n, "participant_from_priorities", "n")
    topics = set(rules.topic_ids) - set(rules.mandatory_topics)
    wishes = [d.dimension for d in priorities(card, len(card.dimensions)) if d.dimension in topics]
    return Participant(
        card.subject.id,
        card.subject.name if name is None else name,
        location=location,
        preferences=tuple(wishes if n is None else wishes[:n]),
    )

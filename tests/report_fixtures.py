"""A small framework and assessments for the report tests, with every expected number worked out by hand.

Framework ``berichtsrahmen`` 1.0, scale ``z4`` (1 "trifft nicht zu" … 4 "trifft zu", English titles):

    d1 "Netzwerk" (Network)   i1 "Die Steuerungsgruppe tagt" (quoted, source s1)  weight 1
                              i2 "Absprachen sind verbindlich" (authored)        weight 1
    d2 "Planung" (Planning)   i3 "Der Bedarf wird geplant" (paraphrased, s1)      weight 1

Raters ``a`` (role Koordination) and ``b`` (role Jugendamt):

    i1: a 4, b 1     -> normalised 1 and 0: score 0.5, spread 1.0 (a disagreement)
    i2: a 3, b 3     -> 2/3 each: score 0.667
    i3: a 2, b n/a   -> 1/3; applicability disputed (a disagreement)

    d1 = (0.5 + 0.667) / 2 = 0.583 -> "0,58"; 1 + 0.583 * 3 = 2.75 -> nearest level 3 "trifft eher zu"
    d2 = 0.333 -> "0,33"; 1 + 0.333 * 3 = 2.0 -> level 2 "trifft eher nicht zu"
    overall = (2 * 0.583 + 1 * 0.333) / 3 = 0.5 -> "0,50"; coverage 3 of 3 = 100 %
"""

from __future__ import annotations

from qframework.assessment import Assessment, Rater, Rating, Subject
from qframework.model import Dimension, Framework, Indicator, Level, Provenance, Scale, Source, Text

AUTHORED = Provenance("authored", note="report test data")


def report_framework(*, text: str = "") -> Framework:
    """``text``, when given, is put into the plugin's own texts (titles, level label, source)."""
    labels = ("trifft nicht zu", "trifft eher nicht zu", "trifft eher zu", "trifft zu")
    english = ("does not apply", "rather does not apply", "rather applies", "applies")
    levels = tuple(
        Level(v, (text + " " if text and v == 4 else "") + label, translations={"en": Text(en)})
        for v, label, en in zip(range(1, 5), labels, english, strict=True)
    )
    scale = Scale("z4", "Vierstufige Skala", levels, provenance=AUTHORED)
    quoted = Provenance("quoted", source="s1")
    d1 = Dimension(
        "d1",
        1,
        "Netzwerk" + (" " + text if text else ""),
        (
            Indicator("i1", "Die Steuerungsgruppe tagt" + (" " + text if text else ""), provenance=quoted),
            Indicator("i2", "Absprachen sind verbindlich", provenance=AUTHORED),
        ),
        provenance=AUTHORED,
        translations={"en": Text("Network")},
    )
    d2 = Dimension(
        "d2",
        2,
        "Planung",
        (Indicator("i3", "Der Bedarf wird geplant", provenance=Provenance("paraphrased", source="s1")),),
        provenance=AUTHORED,
        translations={"en": Text("Planning")},
    )
    source = Source("s1", "Handbuch Qualität" + (" " + text if text else ""), url="https://example.org/handbuch")
    return Framework(
        "berichtsrahmen",
        "1.0",
        "Berichtsrahmen",
        "z4",
        (scale,),
        (d1, d2),
        publisher="Test-Herausgeber",
        sources=(source,),
        provenance=AUTHORED,
    )


def report_assessment(
    *,
    subject: str = "musterstadt",
    name: str = "Musterstadt",
    period: str = "2025",
    values: tuple[int, int, int, int, int | None] = (4, 1, 3, 3, None),
    role: str = "Koordination",
    evidence: str = "Protokolle 2024",
    comment: str = "Tagt quartalsweise",
) -> Assessment:
    """The ratings of i1 (a, b), i2 (a, b), i3 (a; b is not applicable when ``values[4]`` is None); i3 a = 2."""
    a1, b1, a2, b2, b3 = values
    ratings = [
        Rating("i1", a1, rater="a", evidence=evidence, comment=comment),
        Rating("i1", b1, rater="b"),
        Rating("i2", a2, rater="a"),
        Rating("i2", b2, rater="b"),
        Rating("i3", 2, rater="a"),
        Rating("i3", b3, rater="b") if b3 is not None else Rating("i3", not_applicable=True, rater="b"),
    ]
    return Assessment(
        "berichtsrahmen",
        "1.0",
        Subject(subject, name),
        period,
        tuple(ratings),
        (Rater("a", role), Rater("b", "Jugendamt")),
    )

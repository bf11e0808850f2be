"""Tutorial 3: put Kommunen into regional clusters with dimensions to work on, and explain why.

Modelled on the Qualitätsdialoge Frühe Hilfen: clusters of 3–4 Kommunen; every cluster works on
dimension 3 (Netzwerk) plus one more required dimension and one optional one ("if time allows"),
chosen so that the total preference rank of all Kommunen is as small as possible. Then the same
engine distributes KQS quality areas the way the Lower Saxony § 79a model project did.

Run:  python examples/03_assign_clusters.py
"""

from __future__ import annotations

from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Participant,
    Topic,
    assign,
    check_assignment,
)

DIMENSIONS = {
    "1": "Grundidee",
    "2": "Zielbestimmung",
    "3": "Netzwerk",
    "4": "Planung",
    "5": "Politisch-strukturelle Verankerung",
    "6": "Qualifizierung und interprofessionelles Lernen",
    "7": "Zusammenarbeit mit der Familie",
    "8": "Qualität von Angeboten",
    "9": "Dokumentation und Evaluation",
}

# Ten Kommunen (invented wishes; real names only for a sense of place), ranked dimensions best first.
KOMMUNEN = [
    Participant("bremen", "Bremen", "Nord", (53.08, 8.80), ("7", "8", "5")),
    Participant("bremerhaven", "Bremerhaven", "Nord", (53.55, 8.58), ("7", "5", "8")),
    Participant("rendsburg-eckernfoerde", "Kreis Rendsburg-Eckernförde", "Nord", (54.31, 9.66), ("7", "4")),
    Participant("rotenburg", "Landkreis Rotenburg (Wümme)", "Nord", (53.11, 9.40), ("7", "8", "9")),
    Participant("muenchen", "München", "Süd", (48.14, 11.58), ("6", "4", "9")),
    Participant("augsburg", "Augsburg", "Süd", (48.37, 10.90), ("4", "6")),
    Participant("ulm", "Ulm", "Süd", (48.40, 9.99), ("6", "9", "4")),
    Participant("dresden", "Dresden", "Ost", (51.05, 13.74), ("9", "6", "2")),
    Participant("leipzig", "Leipzig", "Ost", (51.34, 12.37), ("2", "9")),
    Participant("chemnitz", "Chemnitz", "Ost", (50.83, 12.92), ("9", "2", "6"), exclusions=("1",)),
]

RULES = AssignmentRules(
    topics=tuple(Topic(i, title) for i, title in DIMENSIONS.items()),
    topics_per_participant=3,  # dimension 3 + one chosen (required) + one chosen (optional)
    required_topics=2,
    mandatory_topics=("3",),
    groups=GroupRules(size=Bounds(3, 4), regional_weight=100.0),
)


def clusters() -> None:
    result = assign(KOMMUNEN, RULES)
    print(f"Qualitätsdialoge: {len(result.groups)} clusters, total preference rank {result.cost}\n")
    for group in result.groups:
        topics = ", ".join(f"{t} {DIMENSIONS[t]}" for t in group.required)
        optional = ", ".join(f"{t} {DIMENSIONS[t]}" for t in group.optional)
        print(f"{group.id}: {', '.join(group.members)}")
        print(f"    required: {topics}")
        print(f"    optional: {optional}")
    assert check_assignment(result, KOMMUNEN, RULES) == []  # any assignment can be checked, also a historical one
    print()
    for kommune in ("bremen", "augsburg"):
        print(result.explain(kommune).text)
        print()


def kqs_areas() -> None:
    areas = [
        "leitbild",
        "bedarfserschliessung",
        "schluesselprozesse",
        "evaluation",
        "fuehrung",
        "personal",
        "kundenkommunikation",
        "strategie",
        "kooperationen",
    ]
    rules = AssignmentRules(
        topics=(
            *(Topic(a) for a in areas),
            Topic("leitbild-oder-fuehrung", "Leitbild oder Führung", any_of=("leitbild", "fuehrung")),
        ),
        topics_per_participant=3,
        required_topics=2,
        distinct_required=True,  # the eight required areas are all different
    )
    jugendaemter = [
        Participant("celle", preferences=("schluesselprozesse", "kooperationen", "leitbild-oder-fuehrung")),
        Participant("gifhorn", preferences=("schluesselprozesse", "bedarfserschliessung", "evaluation")),
        Participant("nienburg", preferences=("kundenkommunikation", "leitbild", "strategie")),
        Participant("rotenburg", preferences=("leitbild-oder-fuehrung", "personal", "evaluation")),
    ]
    result = assign(jugendaemter, rules)
    print(f"KQS model project: total preference rank {result.cost}")
    for p in result.placements:
        print(f"  {p.participant}: required {', '.join(p.required)}; if time allows {', '.join(p.optional)}")
    print()
    print(result.explain("gifhorn").text)


if __name__ == "__main__":
    clusters()
    kqs_areas()

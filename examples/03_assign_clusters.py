"""Tutorial 3: put Kommunen into regional clusters with dimensions to work on, and explain why.

Modelled on the Qualitätsdialoge Frühe Hilfen: clusters of 3–4 Kommunen; every cluster works on
dimension 3 (Netzwerk) plus one more required dimension and one optional one ("if time allows"),
chosen so that the total preference rank of all Kommunen is as small as possible. Then the same
engine distributes KQS quality areas the way the Lower Saxony § 79a model project did.

Run:  python examples/03_assign_clusters.py
"""

from __future__ import annotations

import qframework
from qframework.assignment import (
    AssignmentRules,
    Bounds,
    GroupRules,
    Participant,
    Topic,
    assign,
    check_assignment,
)

# The topics are the framework's own dimensions, by their ids (`qframework show nzfh-qualitaetsrahmen`).
registry = qframework.load_registry()
RAHMEN = registry.frameworks["nzfh-qualitaetsrahmen"]
DIMENSIONS = {d.id: f"{d.number} {d.title}" for d in RAHMEN.dimensions}

FAMILIE = "zusammenarbeit-mit-der-familie"  # dimension 7
ANGEBOTE = "qualitaet-von-angeboten"  # 8
VERANKERUNG = "politisch-strukturelle-verankerung"  # 5
DOKU = "dokumentation-und-evaluation"  # 9

# Ten Kommunen (invented wishes; real names only for a sense of place), ranked dimensions best first.
KOMMUNEN = [
    Participant("bremen", "Bremen", "Nord", (53.08, 8.80), (FAMILIE, ANGEBOTE, VERANKERUNG)),
    Participant("bremerhaven", "Bremerhaven", "Nord", (53.55, 8.58), (FAMILIE, VERANKERUNG, ANGEBOTE)),
    Participant("rendsburg-eckernfoerde", "Kreis Rendsburg-Eckernförde", "Nord", (54.31, 9.66), (FAMILIE, "planung")),
    Participant("rotenburg", "Landkreis Rotenburg (Wümme)", "Nord", (53.11, 9.40), (FAMILIE, ANGEBOTE, DOKU)),
    Participant("muenchen", "München", "Süd", (48.14, 11.58), ("qualifizierung", "planung", DOKU)),
    Participant("augsburg", "Augsburg", "Süd", (48.37, 10.90), ("planung", "qualifizierung")),
    Participant("ulm", "Ulm", "Süd", (48.40, 9.99), ("qualifizierung", DOKU, "planung")),
    Participant("dresden", "Dresden", "Ost", (51.05, 13.74), (DOKU, "qualifizierung", "zielbestimmung")),
    Participant("leipzig", "Leipzig", "Ost", (51.34, 12.37), ("zielbestimmung", DOKU)),
    Participant(
        "chemnitz",
        "Chemnitz",
        "Ost",
        (50.83, 12.92),
        (DOKU, "zielbestimmung", "qualifizierung"),
        exclusions=("grundidee",),
    ),
]

RULES = AssignmentRules(
    topics=tuple(Topic(i, title) for i, title in DIMENSIONS.items()),
    topics_per_participant=3,  # dimension 3 + one chosen (required) + one chosen (optional)
    required_topics=2,
    mandatory_topics=("netzwerk",),
    groups=GroupRules(size=Bounds(3, 4), regional_weight=100.0),
)


def clusters() -> None:
    result = assign(KOMMUNEN, RULES)
    print(f"Qualitätsdialoge: {len(result.groups)} clusters, total preference rank {result.cost}\n")
    for group in result.groups:
        topics = ", ".join(DIMENSIONS[t] for t in group.required)
        optional = ", ".join(DIMENSIONS[t] for t in group.optional)
        print(f"{group.id}: {', '.join(group.members)}")
        print(f"    required: {topics}")
        print(f"    optional: {optional}")
    assert check_assignment(result, KOMMUNEN, RULES) == []  # any assignment can be checked, also a historical one
    print()
    for kommune in ("bremen", "augsburg"):
        print(result.explain(kommune).text)
        print()


def kqs_areas() -> None:
    kqs = registry.frameworks["kqs"]  # its twelve Qualitätsbereiche, by id
    rules = AssignmentRules(
        topics=(
            *(Topic(area.id, area.title) for area in kqs.dimensions),
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

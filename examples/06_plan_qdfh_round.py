"""Tutorial 6: plan a round of Qualitätsdialoge for a dozen Kommunen with locations.

The programme ``qdfh-2019`` (plugin qualitaetsrahmen_fh) says how the NZFH's Qualitätsdialoge
worked: clusters of 3–4 Kommunen (the published list has one of 5), every cluster works on dimension 3
(Netzwerk) plus one or two dimensions it chooses; the Kommunen formed the clusters themselves, not by
region. We plan a new round for twelve Kommunen with their
(approximate) locations and wishes — München, Augsburg and Rosenheim ask for three dimensions (``wants=3``), the
others for the minimum of two — then print the clusters and check them against the programme's rules.

Run:  python examples/06_plan_qdfh_round.py
"""

from __future__ import annotations

import attrs

import qframework

registry = qframework.load_registry()
programme = registry.programmes["qdfh-2019"]
rules = programme.rules

# Twelve Kommunen (made-up wishes; approximate coordinates of real district seats).
P = qframework.Participant


def three(p: qframework.Participant) -> qframework.Participant:
    """The same Kommune, asking for three dimensions (dimension 3 plus two) instead of two."""
    return attrs.evolve(p, wants=3)


kommunen = [
    P("flensburg", "Stadt Flensburg", "SH", (54.78, 9.44), ("zusammenarbeit-mit-der-familie", "planung")),
    P("kiel", "Landeshauptstadt Kiel", "SH", (54.32, 10.13), ("zusammenarbeit-mit-der-familie", "qualifizierung")),
    P("luebeck", "Hansestadt Lübeck", "SH", (53.87, 10.69), ("planung", "zusammenarbeit-mit-der-familie")),
    P("schwerin", "Landeshauptstadt Schwerin", "MV", (53.63, 11.41), ("zusammenarbeit-mit-der-familie",)),
    three(P("muenchen", "Landeshauptstadt München", "BY", (48.14, 11.58), ("qualitaet-von-angeboten", "planung"))),
    three(P("augsburg", "Stadt Augsburg", "BY", (48.37, 10.90), ("qualitaet-von-angeboten", "qualifizierung"))),
    three(P("rosenheim", "Landkreis Rosenheim", "BY", (47.86, 12.12), ("qualitaet-von-angeboten", "qualifizierung"))),
    P("regensburg", "Stadt Regensburg", "BY", (49.01, 12.10), ("planung", "qualitaet-von-angeboten")),
    P("koeln", "Stadt Köln", "NW", (50.94, 6.96), ("dokumentation-und-evaluation", "planung")),
    P("bonn", "Bundesstadt Bonn", "NW", (50.74, 7.10), ("dokumentation-und-evaluation",)),
    P("duesseldorf", "Landeshauptstadt Düsseldorf", "NW", (51.23, 6.78), ("planung", "dokumentation-und-evaluation")),
    P("aachen", "StädteRegion Aachen", "NW", (50.78, 6.08), ("dokumentation-und-evaluation", "qualifizierung")),
]

assignment = programme.plan(kommunen)
violations = qframework.check_assignment(assignment, kommunen, rules)
print(f"{programme.title}: {len(kommunen)} Kommunen, total preference rank {assignment.cost}")
names = {k.id: k.name for k in kommunen}
for group in assignment.groups:
    members = ", ".join(names[m] for m in group.members)
    print(f"  {group.id}: {', '.join(group.topics)}\n      {members}")
print("rules met" if not violations else f"{len(violations)} violations")
# The objective is stated, not hidden: first the smallest total preference rank (a wanted dimension
# that is not given costs more than any dimension given), then clusters as regionally compact as
# possible. Nobody gets more dimensions than it asked for, so a cluster is as large as its most
# modest member's wish. Düsseldorf, Lübeck and Regensburg all put "Planung" first, so they
# share a cluster although they are far apart; raising the regional weight does not override wishes.
print()
print(assignment.explain("schwerin").text)

"""Tutorial 5: a new round of Lower Saxony's Qualitätszirkel, filled from expressions of interest.

The programme ``nds-qualitaetszirkel-2019`` (plugin nds_standards) holds the rules of the
2019–2021 round: three circles, one per topic, about 15 Kommunen each. Here 40 Kommunen express
interest and rank the topics; ``Programme.plan`` computes the optimal distribution (the smallest
total preference rank), and ``explain`` says why each Kommune got what it got.

Run:  python examples/05_qualitaetszirkel_round.py
"""

from __future__ import annotations

import random

import qframework

registry = qframework.load_registry()
programme = registry.programmes["nds-qualitaetszirkel-2019"]
topics = programme.rules.topic_ids
print(f"{programme.title}: topics {', '.join(topics)}; at most 15 Kommunen per circle")

# 40 expressions of interest; the first topic of each is most wanted (a seeded, made-up example).
rng = random.Random(2019)
popular = [topics[2], topics[0], topics[1]]
interest = []
for i in range(40):
    ranking = sorted(topics, key=lambda t: rng.random() * (1 + popular.index(t)))
    interest.append(qframework.Participant(f"kommune-{i + 1:02d}", f"Kommune {i + 1}", preferences=tuple(ranking[:2])))

assignment = programme.plan(interest)
assert programme.check(assignment) == [], "a computed assignment always meets the rules"

print(f"\nTotal preference rank: {assignment.cost}")
for group in assignment.groups:
    print(f"  {group.id}: {len(group.members)} Kommunen → {', '.join(group.topics)}")
print(f"  without a place: {len(assignment.unassigned)}")

for pid in ("kommune-01", "kommune-02", assignment.unassigned[0] if assignment.unassigned else "kommune-03"):
    print()
    print(assignment.explain(pid).text)

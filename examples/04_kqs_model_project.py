"""Tutorial 4: Lower Saxony's § 79a model project — reproduce the KQS distribution and check it.

In November 2016 each of the four model Jugendämter held a needs workshop (Bedarfsermittlung); the
KQS quality areas were then distributed: every Jugendamt got an ordered list of three areas, the
first two worked on, the third if time allows, all required areas different (a broad spread), and
Rotenburg's third slot an alternative, "Leitbild oder Führung". The programme
``nds-79a-modellprojekt-2016`` (plugin kqs) holds these rules, the four Jugendämter with their needs
as ranked preferences, and the historical distribution.

Run:  python examples/04_kqs_model_project.py
"""

from __future__ import annotations

import qframework

registry = qframework.load_registry()
programme = registry.programmes["nds-79a-modellprojekt-2016"]
kqs = registry.frameworks[programme.framework]
title = {d.id: d.title for d in kqs.dimensions} | {t.id: t.label for t in programme.rules.topics}

# 1. The historical distribution passes the programme's own rules.
historical = programme.assignment
assert historical is not None
print("Historical distribution (JiN newsletter 03/2016):")
for participant in programme.participants:
    required, optional = historical.topics_of(participant.id)
    areas = [title[t] for t in required] + [f"({title[t]})" for t in optional]
    print(f"  {participant.name}: {', '.join(areas)}")
violations = programme.check()
print("check(): " + ("no violations" if not violations else "; ".join(map(str, violations))))

# 2. The needs, stated as ranked preferences, reproduce it with the exact solver.
planned = programme.plan()
same = all(planned.topics_of(p.id) == historical.topics_of(p.id) for p in programme.participants)
print(
    f"\nassign() from the needs: total preference rank {planned.cost}; "
    f"{'identical to' if same else 'different from'} the historical distribution"
)
print(planned.explain("rotenburg-wuemme").text)

# 3. Break the broad spread on purpose: Gifhorn also takes Evaluation, which Celle already has.
import attrs  # noqa: E402 - shown here because this is where the tutorial needs it

broken = attrs.evolve(
    historical,
    placements=tuple(
        attrs.evolve(p, required=("personal", "evaluation")) if p.participant == "gifhorn" else p
        for p in historical.placements
    ),
)
print("\nA copy in which Gifhorn also takes Evaluation:")
for violation in programme.check(broken):
    print(f"  {violation}")

# 4. The field of work every model Jugendamt shares, for comparability.
common = [s.title for s in programme.segments if s.common]
print(f"\nCommon field of work: {common[0]}")

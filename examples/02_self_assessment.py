"""Tutorial 2: a self-assessment of one Kommune against the Qualitätsrahmen Frühe Hilfen.

The Frühe-Hilfen method in three steps — collect ratings from several actors, discuss where they
disagree, prioritise — with three raters of one (made-up) Kommune:

1. build the assessment: who rates (raters and roles) and their ratings, some not applicable;
2. score it: per dimension and overall, normalised to 0..1, with coverage;
3. look at the disagreements worth discussing and at the priorities (weakest dimensions);
4. a year later: compare progress.

Uses the installed framework ``nzfh-qualitaetsrahmen`` (plugin qframework-qualitaetsrahmen-fh)
when present, otherwise builds a small stand-in inline. Indicator ids are looked up from the
framework, never typed in. Run: ``python examples/02_self_assessment.py``.
"""

from __future__ import annotations

import random

import attrs

from qframework.assessment import (
    Assessment,
    Rater,
    Rating,
    Subject,
    compare,
    disagreements,
    priorities,
    score,
)
from qframework.model import Dimension, Framework, Indicator, Level, Provenance, Scale
from qframework.plugins import load_registry
from qframework.report.text import format_scorecard

RATERS = (
    Rater("koordination", "Netzwerkkoordination Frühe Hilfen"),
    Rater("familienhebamme", "Familienhebamme"),
    Rater("jugendamt", "Leitung Jugendamt"),
)


def stand_in_framework() -> Framework:
    """Three of the nine Qualitätsdimensionen, with indicators written for this tutorial."""
    prov = Provenance("authored", note="tutorial stand-in; the NZFH plugin is not installed")
    scale = Scale(
        "zustimmung-6",
        "Zustimmung (6 Stufen)",
        tuple(
            Level(v, label)
            for v, label in enumerate(
                [
                    "stimme gar nicht zu",
                    "stimme nicht zu",
                    "stimme eher nicht zu",
                    "stimme eher zu",
                    "stimme zu",
                    "stimme sehr zu",
                ],
                start=1,
            )
        ),
        provenance=prov,
    )
    dims = (
        Dimension(
            "netzwerk",
            3,
            "Netzwerk",
            (
                Indicator("netzwerk-steuerungsgruppe", "Eine Steuerungsgruppe trifft sich regelmäßig", provenance=prov),
                Indicator(
                    "netzwerk-vereinbarungen",
                    "Die Zusammenarbeit ist verbindlich vereinbart",
                    weight=2,
                    provenance=prov,
                ),
            ),
            provenance=prov,
        ),
        Dimension(
            "planung",
            4,
            "Planung",
            (Indicator("planung-bedarf", "Bedarfe werden gemeinsam erhoben", provenance=prov),),
            provenance=prov,
        ),
        Dimension(
            "familie",
            7,
            "Zusammenarbeit mit der Familie",
            (
                Indicator("familie-beteiligung", "Eltern sind an der Planung beteiligt", provenance=prov),
                Indicator("familie-datenschutz", "Datenschutz ist transparent geregelt", provenance=prov),
            ),
            provenance=prov,
        ),
    )
    return Framework(
        "nzfh-qualitaetsrahmen",
        "tutorial",
        "Qualitätsrahmen Frühe Hilfen (Auszug)",
        "zustimmung-6",
        (scale,),
        dims,
        provenance=prov,
    )


def nzfh_framework() -> Framework:
    """The installed Qualitätsrahmen if its plugin is there, else the stand-in."""
    registry = load_registry()
    if "nzfh-qualitaetsrahmen" in registry.frameworks:
        return registry.frameworks["nzfh-qualitaetsrahmen"]
    return stand_in_framework()


def collect_ratings(framework: Framework, seed: int, shift: float = 0.0) -> tuple[Rating, ...]:
    """Step 1: every rater rates every indicator. Here the values are made up (seeded): each
    dimension has a level, each rater a leaning; the Familienhebamme finds a few indicators
    outside her view (not applicable)."""
    rnd = random.Random(seed)
    lean = {"koordination": 0.1, "familienhebamme": -0.15, "jugendamt": 0.05}
    ratings = []
    for dim in framework.dimensions:
        level = rnd.uniform(0.3, 0.8) + shift
        for ind in dim.indicators:
            scale = framework.scale_of(ind)
            values = [lv.value for lv in scale.levels]
            for rater in RATERS:
                if rater.id == "familienhebamme" and scale.allow_not_applicable and rnd.random() < 0.1:
                    ratings.append(
                        Rating(ind.id, not_applicable=True, rater=rater.id, comment="betrifft meine Arbeit nicht")
                    )
                    continue
                x = min(1.0, max(0.0, level + lean[rater.id] + rnd.gauss(0, 0.12)))
                ratings.append(Rating(ind.id, values[round(x * (len(values) - 1))], rater=rater.id))
    return tuple(ratings)


def main() -> None:
    framework = nzfh_framework()
    print(
        f"Framework: {framework.title} ({framework.id} {framework.version}), "
        f"{sum(1 for _ in framework.indicators())} indicators\n"
    )

    kommune = Subject("landkreis-beispiel", "Landkreis Beispiel")
    before = Assessment(framework.id, framework.version, kommune, "2024", collect_ratings(framework, 2024), RATERS)

    # Step 2: score. Mean over raters per indicator, weighted means per dimension and overall.
    card = score(before, framework)
    print(format_scorecard(card))

    # Step 3: dialogue and priorities.
    print("\nFor the dialogue — the three most contested indicators:")
    for item in disagreements(card)[:3]:
        title = framework.indicator(item.indicator).title
        print(
            f"  {title}: ratings {', '.join(map(str, item.values))}"
            + (f" and {item.not_applicable} × not applicable" if item.not_applicable else "")
        )
    weakest = priorities(card, 2)
    print("\nPriorities for the next year: " + "; ".join(f"{d.title} ({d.score:.2f})" for d in weakest))

    # Step 4: a year later the Kommune rates again; the weakest dimensions improved.
    after = attrs.evolve(before, period="2025", ratings=collect_ratings(framework, 2024, shift=0.1))
    progress = compare(card, score(after, framework))
    print(f"\nProgress 2024 → 2025: overall {progress.overall_delta:+.2f}")
    for change in progress.dimensions:
        if change.delta is not None:
            print(f"  {change.title:<50} {change.before:.2f} → {change.after:.2f} ({change.delta:+.2f})")


if __name__ == "__main__":
    main()

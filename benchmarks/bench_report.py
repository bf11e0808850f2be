"""Report rendering speed: a cohort report over 600 Kommunen × 10 years (6,000 scorecards), target ≤ 2 s.

The data is :mod:`bench_assessment`'s generator (same seed, same framework). Timed, best of
``--repeat`` runs each, from the same loaded assessments:

1. scoring alone: :func:`qframework.assessment.score_all` over all 6,000 assessments;
2. the cohort report (distribution per dimension in the latest year, the median per dimension over
   all ten years, every Kommune named) rendered to HTML and to Markdown, from those scorecards;
3. a progress report of one Kommune over the ten years (HTML).

The ratio printed is report rendering / scoring alone. Run:
``python benchmarks/bench_report.py [--kommunen 600 --years 10]``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bench_assessment import best_of, build_framework, generate, make_registry

from qframework.assessment import loads_assessments, score_all
from qframework.report.data import CohortReport, ProgressReport
from qframework.report.render import render_report

TARGET_SECONDS = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", type=int, default=600)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    framework = build_framework()
    registry = make_registry(framework)
    assessments = loads_assessments(generate(framework, args.kommunen, args.years), registry=registry)
    shape = f"{args.kommunen} Kommunen × {args.years} years"
    print(f"{len(assessments)} assessments ({shape}); Python {sys.version.split()[0]}")

    w_score, t_score, cards = best_of(args.repeat, lambda: score_all(assessments, registry=registry))
    render_report(CohortReport(tuple(cards), framework), format="html")  # load the templates once

    def cohort() -> tuple[str, str]:
        report = CohortReport(tuple(cards), framework, names=True, highlight="kommune-000")
        return render_report(report, format="html"), render_report(report, format="markdown")

    def progress() -> str:
        own = tuple(c for c in cards if c.subject.id == "kommune-000")
        return render_report(ProgressReport(own, framework), format="html")

    w_cohort, t_cohort, pages = best_of(args.repeat, cohort)
    w_progress, t_progress, _ = best_of(args.repeat, progress)
    rows: list[tuple[str, float, float]] = [
        ("score_all (scoring alone)", t_score, w_score),
        ("cohort report, HTML + Markdown, every Kommune named", t_cohort, w_cohort),
        ("progress report of one Kommune, 10 years (HTML)", t_progress, w_progress),
    ]
    print(f"  {'':<54} {'CPU s':>7} {'wall s':>8}")
    for label, cpu, wall in rows:
        print(f"  {label:<54} {cpu:7.3f} {wall:8.3f}")
    html: Any = pages[0]
    print(f"  cohort HTML {len(html) / 1e3:.0f} kB, Markdown {len(pages[1]) / 1e3:.0f} kB")
    print(f"  ratio report rendering / scoring alone: {t_cohort / t_score:.2f}× CPU, {w_cohort / w_score:.2f}× wall")
    met = w_cohort <= TARGET_SECONDS
    print(
        f"  target ≤ {TARGET_SECONDS:g} s for the cohort report: {'met' if met else 'NOT met'} ({w_cohort:.3f} s wall)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

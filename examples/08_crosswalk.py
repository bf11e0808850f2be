"""Tutorial 8: a Kommune's NZFH self-assessment carried to Lower Saxony's Qualitätsstandards.

A Lower Saxon Kommune took part in the federal Qualitätsdialoge and rated its network against the
NZFH Qualitätsrahmen Frühe Hilfen. Now it joins a kommunale Qualitätswerkstatt, which works with the
Land's Qualitätsstandards. Rather than rating everything again, it carries what it already knows
across the crosswalk ``nzfh-nds`` and reads the loss report: what came across exactly, what was
guessed, what was lost, and which standards still need a rating of their own.

1. look at the crosswalk (every relation has a one-sentence rationale, none from a publisher);
2. translate the assessment: ratings per rater, rescaled from 6 agreement levels to 3;
3. read the loss report;
4. score the translated assessment against the Land's standards;
5. write the report for the Werkstatt: it opens with a notice that the assessment was translated,
   from which framework, by which crosswalk, and what was lost.

The same from the command line (the loss report as the CLI prints it, the assessment, the report)::

    qframework crosswalk translate nzfh-2025.toml nzfh-nds -o nds-2025.toml --report nds-2025.html

Needs the plugins qframework-qualitaetsrahmen-fh and qframework-nds-standards. The assessment is
made up (seeded). Run: ``python examples/08_crosswalk.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from qframework.assessment import score
from qframework.crosswalk import translate
from qframework.plugins import load_registry
from qframework.report.data import AssessmentReport
from qframework.report.render import render_report
from qframework.report.text import format_translation
from qframework.template import sample_assessment

registry = load_registry()
crosswalk = registry.crosswalks["nzfh-nds"]
source = registry.framework(crosswalk.source.framework, crosswalk.source.version)
target = registry.framework(crosswalk.target.framework, crosswalk.target.version)

# 1. The crosswalk
print(f"{crosswalk.title}: {len(crosswalk.entries)} relations")
for e in crosswalk.entries[:3]:
    print(f"  {e.source} {e.relation} {e.target} [{e.provenance.kind if e.provenance else '?'}]: {e.rationale}")
print("  …")

# 2. Translate the Kommune's self-assessment (three raters, 2025)
nzfh = sample_assessment(source, subject="wolfenbuettel", subject_name="Landkreis Wolfenbüttel", seed=8)
result = translate(nzfh, crosswalk, registry=registry)
print()
print(f"{len(nzfh.ratings)} NZFH ratings → {len(result.assessment.ratings)} ratings of {target.id}")
titles = {i.id: i.title for i in target.indicators()}
for carried in result.report.carried:
    if carried.rater != "koordination":
        continue
    how = "exact" if carried.exact else f"guessed ({', '.join(carried.relations)}; confidence {carried.confidence:.2f})"
    value = "n/a" if carried.value is None else str(carried.value)
    print(f"  {titles[carried.target]:<55} {value:>3}  from {', '.join(carried.sources)}  {how}")

# 3. The loss report
report = result.report
print()
print("Lost on the way:")
print(f"  {report.lost_ratings} ratings of {len(report.unmapped_sources)} NZFH indicators reach no standard")
print(f"  {len(report.rescaled)} values moved from the 6-level agreement scale to the 3-level fulfilment scale")
print(f"  {len(report.guessed)} of {len(report.carried)} carried ratings are guesses, not equivalents")
print("  standards no relation reaches (rate them in the Werkstatt):")
for indicator_id in report.unmapped_targets:
    print(f"    - {titles[indicator_id]}")
print()
print("The same, as `qframework crosswalk translate` prints it:")
print(format_translation(report))

# 4. Score against the Land's standards
card = score(result.assessment, registry=registry)
print()
print(f"{target.title}: overall {card.overall:.2f} (a first estimate from translated ratings)")
for dim in card.dimensions:
    shown = "not scored" if dim.score is None else f"{dim.score:.2f}"
    print(f"  {dim.title}: {shown}")

# 5. The report for the Werkstatt, with the translation notice before the scores
out = Path(tempfile.mkdtemp(prefix="qframework-crosswalk-")) / "nds-2025.html"
out.write_text(render_report(AssessmentReport(card, target, result.assessment, translation=report)), encoding="utf-8")
print()
print(f"Report with the translation notice: {out}")

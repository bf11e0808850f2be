"""Tutorial 7: from ratings to the paper the Jugendhilfeausschuss reads — HTML and Markdown reports.

A Netzwerkkoordinatorin has her network's ratings, scored (tutorial 2). Here she turns them into
reports, with no HTML written by hand:

1. one assessment: scores with the scale's words, coverage, where raters disagree, priorities,
   evidence and comments, and which texts are the publisher's;
2. progress over three years of the same Kommune: a trend per dimension;
3. the same report in English, and as Markdown for a wiki or an e-mail;
4. her own look: a template directory that overrides one shipped template.

Needs the ``report`` extra (``pip install 'qframework[report]'``) and the installed framework
``nzfh-qualitaetsrahmen``. Writes into a temporary folder and prints where; open the HTML in a
browser and print it (A4). Run: ``python examples/07_report.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from qframework import AssessmentReport, ProgressReport, render_report
from qframework.assessment import score
from qframework.plugins import load_registry
from qframework.template import sample_assessment

out = Path(tempfile.mkdtemp(prefix="qframework-report-"))
framework = load_registry().frameworks["nzfh-qualitaetsrahmen"]

# 1. One assessment: three raters of a made-up Kommune (see tutorial 2 for building one by hand).
#    The report takes the plain results — the scorecard — plus the assessment for evidence and roles.
assessment = sample_assessment(framework, subject="musterkreis", subject_name="Landkreis Musterkreis")
card = score(assessment, framework)
report = AssessmentReport(card, framework, assessment, threshold=0.4, priorities=3)
(out / "selbsteinschaetzung.html").write_text(render_report(report), encoding="utf-8")
print(f"Overall {card.overall:.2f}; the report words each score with the nearest level of the scale.")

# 2. Progress: the same Kommune in 2023, 2024 and 2025 — a trend per dimension over all three.
years = [
    score(sample_assessment(framework, subject="musterkreis", period=str(year), seed=seed), framework)
    for seed, year in enumerate((2023, 2024, 2025), start=7)
]
(out / "entwicklung.html").write_text(render_report(ProgressReport(tuple(years), framework)), encoding="utf-8")

# 3. English, and Markdown (every value escaped, so a Kommune's text never becomes markup).
(out / "self-assessment.md").write_text(render_report(report, format="markdown", lang="en"), encoding="utf-8")
first_lines = (out / "self-assessment.md").read_text(encoding="utf-8").splitlines()[:3]
print("The Markdown report begins:", *first_lines, sep="\n  ")

# 4. Her own look: a directory with an assessment.html that extends the shipped base.html.
own = out / "vorlagen"
own.mkdir()
(own / "assessment.html").write_text(
    '{% extends "base.html" %}{% block content %}'
    "<p>Vorlage für den Jugendhilfeausschuss: {{ subject.name }}, Gesamtwert {{ overall }} ({{ overall_level }}).</p>"
    "{{ radar }}{% endblock %}",
    encoding="utf-8",
)
(out / "ausschuss.html").write_text(render_report(report, templates=own), encoding="utf-8")

print(f"\nReports written to {out}:")
for path in sorted(out.glob("*.*")):
    print(f"  {path.name}")

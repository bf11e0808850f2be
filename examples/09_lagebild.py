"""Tutorial 9: a Land's Lagebild — 40 Kommunen, 2 or 3 raters each, three years, on the public API.

The coordination office receives one file per rater (here 285 made-up ones), combines them per Kommune
and year, scores them, compares each Kommune year over year, and hands the results on: a pandas table
(with the ``pandas`` extra), German CSV and xlsx, and the cohort report for the committee. Needs the
plugin qframework-qualitaetsrahmen-fh and the report extra.
"""

import tempfile
from pathlib import Path

import qframework
from qframework.report.tables import scorecard_tables, to_csv, to_xlsx
from qframework.template import sample_assessment

registry = qframework.load_registry()
framework = registry.frameworks["nzfh-qualitaetsrahmen"]
RATERS = [("koordination", "Netzwerkkoordination"), ("hebamme", "Familienhebamme"), ("jugendamt", "Jugendamt")]
NAMES = [f"Landkreis {n}" for n in ("Lüneburg", "Göttingen", "Celle", "Uelzen")] + [f"Kommune {n}" for n in range(36)]

with tempfile.TemporaryDirectory() as tmp:
    inbox, out = Path(tmp) / "rueckmeldungen", Path(tmp)
    inbox.mkdir()
    for k, name in enumerate(NAMES):  # stand-ins for what raters send in: 2 or 3 files per Kommune and year
        for y, period in enumerate(("2023", "2024", "2025")):
            for r, rater in enumerate(RATERS[: 3 if (k + y) % 8 < 3 else 2]):
                one = sample_assessment(
                    framework, subject=qframework.slugify(name), subject_name=name, period=period,
                    raters=[rater], seed=100 * k + 10 * y + r,
                )  # fmt: skip
                qframework.save_assessment(one, inbox / f"{one.subject.id}-{period}-{rater[0]}.toml")
    print(f"{len(list(inbox.iterdir()))} files from raters")

    assessments = qframework.combine_files(inbox, registry=registry)  # one per Kommune and year
    cards = qframework.score_all(assessments, registry=registry)
    comparisons = qframework.compare_series(cards)  # each Kommune: 2023 → 2024 → 2025
    print(f"{len(assessments)} assessments of {len(qframework.series(cards))} Kommunen, {len(comparisons)} comparisons")
    overall = qframework.to_records(comparisons, table="overall")
    print(f"Overall score up in {sum(1 for row in overall if row['improved'])} of {len(overall)} comparisons")
    try:
        frame = qframework.to_dataframe(cards)  # one row per Kommune, year and dimension
        print("Mean dimension score per year:", frame.groupby("period")["score"].mean().round(3).to_dict())
    except qframework.QFrameworkError:
        print("(pandas is not installed: pip install 'qframework[pandas]')")

    dimensions, indicators = scorecard_tables(cards, framework)  # German headers, for Excel
    (out / "lagebild.csv").write_text(to_csv(dimensions), encoding="utf-8")
    (out / "lagebild.xlsx").write_bytes(to_xlsx([dimensions, indicators]))
    latest = [c for c in cards if c.period == "2025"]
    report = qframework.CohortReport(tuple(latest), framework)
    (out / "kohorte.html").write_text(qframework.render_report(report), encoding="utf-8")
    print(f"Lagebild written: {len(dimensions.rows)} rows as CSV and xlsx, a cohort report of {len(latest)} Kommunen")

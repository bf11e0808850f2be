"""Every tutorial in examples/ runs and tells its story."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))

# A line (or fragment) each tutorial must print: the point it makes.
EXPECTED = {
    "01_frameworks.py": "4 problems in unser-rahmen.toml:",
    "02_self_assessment.py": "Priorities for the next year:",
    "03_assign_clusters.py": "it is already assigned to celle.",
    "04_kqs_model_project.py": "identical to the historical distribution",
    "05_qualitaetszirkel_round.py": "Total preference rank:",
    "06_plan_qdfh_round.py": "rules met",
    "07_report.py": "Reports written to",
    "08_crosswalk.py": "Lost on the way:",
    "09_lagebild.py": "Lagebild written: 1200 rows as CSV and xlsx, a cohort report of 40 Kommunen",
}


def test_every_example_has_an_expected_line() -> None:
    assert sorted(p.name for p in EXAMPLES) == sorted(EXPECTED)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(example: Path) -> None:
    result = subprocess.run([sys.executable, str(example)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert EXPECTED[example.name] in result.stdout

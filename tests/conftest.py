"""Test set-up shared by every test module.

Hypothesis profiles, selected by the environment variable ``QFRAMEWORK_HYPOTHESIS``:

- ``ci`` (the default, what ``.ci/run`` and a bare ``pytest`` use): derandomised, so a run explores the
  same examples on every machine and CI cannot pass or fail by chance; the example counts are the
  hypothesis default, and the assignment optimality properties set their own (sized by
  ``benchmarks/measure_property_power.py`` so the targeted tests find a known solver bug class on the
  fixed seed *and* on nearly every random seed).
- ``long``: exploratory runs — random seeds, the example database on, 20× the examples of ``ci``
  everywhere a test scales its budget with the profile (the assignment properties do)::

      QFRAMEWORK_HYPOTHESIS=long python -m pytest -q tests/test_assignment_properties.py

  A failure found this way prints the reproducing ``@reproduce_failure`` blob and is replayed from the
  local database on the next run; pin it with ``@example`` before fixing.
- ``mutation``: for mutation runs (docs/mutation-testing.md) — derandomised, 10 examples where a test
  keeps hypothesis' default and a tenth of its budget where it scales with the profile, no deadline: a
  surviving mutant runs every property that reaches it, and must not cost minutes::

      QFRAMEWORK_HYPOTHESIS=mutation mutmut run "qframework.crosswalk*"
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# The shared strategies module sits next to the tests.
sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("long", max_examples=20 * settings.default.max_examples, print_blob=True)
settings.register_profile("mutation", derandomize=True, database=None, max_examples=10, deadline=None)
settings.load_profile(os.environ.get("QFRAMEWORK_HYPOTHESIS", "ci"))


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without a locale, so the CLI prints English unless a test passes --lang."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)

"""The KQS Testat cycle: four years' validity, a mid-term workshop, the self-report five months before expiry."""

from __future__ import annotations

from datetime import date

import pytest
from qframework_kqs import testat
from qframework_kqs.testat import add_months


@pytest.mark.parametrize(
    ("day", "workshop", "report", "expires"),
    [
        # An ordinary date.
        (date(2017, 3, 15), date(2019, 3, 15), date(2020, 10, 15), date(2021, 3, 15)),
        # 29 February: four years later is a leap year again, two years later is not.
        (date(2024, 2, 29), date(2026, 2, 28), date(2027, 9, 29), date(2028, 2, 29)),
        # 2100 is not a leap year (divisible by 100, not by 400).
        (date(2096, 2, 29), date(2098, 2, 28), date(2099, 9, 28), date(2100, 2, 28)),
        # Month ends: five months before 31 July is February, which has no 31st.
        (date(2020, 7, 31), date(2022, 7, 31), date(2024, 2, 29), date(2024, 7, 31)),
        (date(2021, 7, 31), date(2023, 7, 31), date(2025, 2, 28), date(2025, 7, 31)),
        # Across a year boundary.
        (date(2018, 3, 31), date(2020, 3, 31), date(2021, 10, 31), date(2022, 3, 31)),
        (date(2019, 4, 30), date(2021, 4, 30), date(2022, 11, 30), date(2023, 4, 30)),
    ],
)
def test_testat_cycle_dates(day: date, workshop: date, report: date, expires: date) -> None:
    cycle = testat.testat_cycle(day)
    assert (cycle.follow_up_workshop, cycle.self_report_due, cycle.expires) == (workshop, report, expires)


def test_add_months_backwards_over_the_year_end() -> None:
    assert add_months(date(2024, 3, 31), -5) == date(2023, 10, 31)
    assert add_months(date(2024, 1, 31), -2) == date(2023, 11, 30)


def test_cycle_reads_in_german() -> None:
    text = str(testat.testat_cycle(date(2017, 3, 15)))
    assert text.startswith("Testat 15.03.2017:")
    assert "gültig bis 15.03.2021" in text

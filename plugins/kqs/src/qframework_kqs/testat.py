"""The KQS testing cycle: the dates that follow from a Testat.

Facts (domain brief §2, sources S38, S41, S42): a KQS Testat is valid for **four years**; a
Follow-up-Workshop takes place at **mid-term**; the next Selbstreport is due **at the latest five
months before** the Testat expires (a figure documented for the sister model LQW, S42; we assume it
holds for KQS). The calendar arithmetic is this project's: dates move by whole
calendar months, and a day that does not exist in the target month becomes that month's last day:
a Testat of 29 February 2024 expires on 29 February 2028 (a leap year), one of 29 February 2096 on
28 February 2100 (not a leap year); a Testat of 31 July 2020 expires on 31 July 2024, and the
self-report is due on 29 February 2024.
"""

from __future__ import annotations

import calendar
from datetime import date

import attrs

__all__ = ["SELF_REPORT_LEAD_MONTHS", "VALIDITY_MONTHS", "TestatCycle", "add_months", "testat_cycle"]

VALIDITY_MONTHS = 48
SELF_REPORT_LEAD_MONTHS = 5


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; a missing day becomes the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


@attrs.frozen
class TestatCycle:
    """The dates of one KQS Testat cycle; ``expires`` is the fourth anniversary, when validity ends."""

    testat: date
    follow_up_workshop: date
    self_report_due: date
    expires: date

    def __str__(self) -> str:
        return (
            f"Testat {self.testat:%d.%m.%Y}: Follow-up-Workshop (Halbzeit) {self.follow_up_workshop:%d.%m.%Y}, "
            f"Selbstreport fällig spätestens {self.self_report_due:%d.%m.%Y}, gültig bis {self.expires:%d.%m.%Y}"
        )


def testat_cycle(testat: date) -> TestatCycle:
    """The Follow-up-Workshop (mid-term), the self-report due (at the latest 5 months before expiry,
    an LQW figure) and the expiry (4 years)."""
    expires = add_months(testat, VALIDITY_MONTHS)
    return TestatCycle(
        testat=testat,
        follow_up_workshop=add_months(testat, VALIDITY_MONTHS // 2),
        self_report_due=add_months(expires, -SELF_REPORT_LEAD_MONTHS),
        expires=expires,
    )

"""Twenty raters of one Kommune submitting at the same moment against the running app lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
from web_fixtures import INDICATORS, NZFH, serve

from qframework import dumps, io
from qframework.assessment import Assessment, Rater, Rating, Subject

RATERS = 20


def one_rater(i: int) -> Assessment:
    rater = f"rater-{i:02d}"
    ratings = tuple(Rating(ind, value=1 + (i + k) % 6, rater=rater) for k, ind in enumerate(INDICATORS))
    return Assessment(NZFH.id, NZFH.version, Subject("musterstadt", "Musterstadt"), "2025", ratings, (Rater(rater),))


def test_twenty_concurrent_raters_are_all_stored_exactly_once(tmp_path: Path) -> None:
    sent = [one_rater(i) for i in range(RATERS)]
    statuses: list[int] = []
    start = threading.Barrier(RATERS)
    with serve(tmp_path / "web.sqlite") as base:

        def post(a: Assessment) -> None:
            body = dumps(a, format="json")
            with httpx.Client(base_url=base, timeout=60) as client:
                start.wait()
                r = client.post("/api/assessments", content=body, headers={"content-type": "application/json"})
                statuses.append(r.status_code)

        threads = [threading.Thread(target=post, args=(a,)) for a in sent]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        stored = httpx.get(f"{base}/api/assessments/nzfh-qualitaetsrahmen/musterstadt/2025", timeout=30)
    assert statuses == [201] * RATERS
    combined = io.loads(Assessment, stored.text, format="json")
    assert sorted(r.id for r in combined.raters) == sorted(a.raters[0].id for a in sent)
    assert sorted(combined.ratings, key=lambda r: (r.rater or "", r.indicator)) == sorted(
        (r for a in sent for r in a.ratings), key=lambda r: (r.rater or "", r.indicator)
    )  # every rating exactly once: 20 × 35

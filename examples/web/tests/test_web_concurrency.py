"""Twenty raters of one Kommune submitting at the same moment against the running app lose nothing,
on SQLite and on PostgreSQL; nor does one rater who sends twice at once (both become versions)."""

from __future__ import annotations

import threading

import httpx
from web_fixtures import INDICATORS, NZFH, seed_db, serve

from qframework import dumps, io
from qframework.assessment import Assessment, Rater, Rating, Subject

RATERS = 20


def one_rater(i: int) -> Assessment:
    rater = f"rater-{i:02d}"
    ratings = tuple(Rating(ind, value=1 + (i + k) % 6, rater=rater) for k, ind in enumerate(INDICATORS))
    return Assessment(NZFH.id, NZFH.version, Subject("musterstadt", "Musterstadt"), "2025", ratings, (Rater(rater),))


def test_twenty_concurrent_raters_are_all_stored_exactly_once(db_url: str) -> None:
    keys = seed_db(db_url)
    headers = {"content-type": "application/json", "authorization": f"Bearer {keys['koordination']}"}
    sent = [one_rater(i) for i in range(RATERS)] + [one_rater(0), one_rater(0)]  # rater-00 three times at once
    statuses: list[int] = []
    start = threading.Barrier(len(sent))
    with serve(db_url) as base:

        def post(a: Assessment) -> None:
            body = dumps(a, format="json")
            with httpx.Client(base_url=base, timeout=60) as client:
                start.wait()
                r = client.post("/api/assessments", content=body, headers=headers)
                statuses.append(r.status_code)

        threads = [threading.Thread(target=post, args=(a,)) for a in sent]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        stored = httpx.get(
            f"{base}/api/assessments/nzfh-qualitaetsrahmen/musterstadt/2025", headers=headers, timeout=30
        )
        listed = httpx.get(f"{base}/api/assessments", headers=headers, timeout=30).json()
    assert statuses == [201] * len(sent)
    combined = io.loads(Assessment, stored.text, format="json")
    assert sorted(r.id for r in combined.raters) == sorted(a.raters[0].id for a in sent[:RATERS])
    assert sorted(combined.ratings, key=lambda r: (r.rater or "", r.indicator)) == sorted(
        (r for a in sent[:RATERS] for r in a.ratings), key=lambda r: (r.rater or "", r.indicator)
    )  # every rating exactly once: 20 × 35
    assert listed == [{"framework_id": NZFH.id, "subject_id": "musterstadt", "subject_name": "Musterstadt",
                       "period": "2025", "parts": RATERS}]  # fmt: skip
    from qframework_web.store import Store

    store = Store(db_url)
    try:
        versions = store.versions(NZFH.id, "musterstadt", "2025")
    finally:
        store.close()
    assert len(versions) == len(sent) and sum(v.rater == "rater-00" for v in versions) == 3
    assert sum(v.current for v in versions) == RATERS

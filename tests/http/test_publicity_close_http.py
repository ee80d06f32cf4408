"""Over HTTP: `POST /periods/{p}/close` is refused with a 4xx naming the publicity (公示)
a scheme requires for results paid in the period, when nobody has opened it, and writes
nothing (issue 15 item 5; the CLI side is tests/e2e/test_publicity_required.py)."""

from __future__ import annotations

from seeding import seeded, serve


def test_a_close_waiting_for_required_publicity_is_a_4xx(store) -> None:  # type: ignore[no-untyped-def]
    with serve(store.env) as client:
        served = seeded(store.env, client)
        for row in ({"type": "adopt_scheme", "scheme": "meiling-subdistrict-quarterly"},
                    {"type": "record_grade_input", "subject_id": "s-internal",
                     "grading_period": "2026-Q2", "component": "routine", "value": "45",
                     "rulebook": "meiling-subdistrict-quarterly"}):
            written = served.post("administrator", "/commands", row)
            assert written.status_code == 201, written.text
        before = served.event_count()
        refused = served.post("finance", "/periods/2026-Q2/close", {"reason": "paid"})
        after = served.event_count()
        served.close()
    assert refused.status_code == 422, refused.text
    body = refused.text
    assert "须公示" in body
    assert "尚未公示" in body
    assert "meiling-subdistrict-quarterly 2026-Q2" in body
    assert "004_deb0a29d71ec55ac.txt:L1109" in body
    assert after == before

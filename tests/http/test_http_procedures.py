"""The procedures routes over HTTP, on SQLite and PostgreSQL (issue 15): a year's holiday
notice recorded through POST /commands by the administrator, a deadline in a year nobody
recorded refused with the Chinese message (422, like every invalid request) and computed
once it is recorded, the procedures report for whole-organisation readers only, each
body fitting its model."""

from __future__ import annotations

from seeding import Served


def test_a_holiday_notice_extends_the_calendar_over_http(served: Served) -> None:
    unknown = served.get("auditor", "/calendar/deadline", **{"from": "2026-12-25", "days": 10})
    assert unknown.status_code == 422, unknown.text
    assert "2027 年的法定节假日安排尚未录入" in unknown.text
    assert served.get("auditor", "/calendar/2027").json()["source"] == "unknown"

    before = served.event_count()
    refused = served.post("finance", "/commands", {
        "type": "record_holiday_notice", "year": 2027, "notice": "测试通知",
        "holidays": ["2027-01-01"]})
    assert refused.status_code == 403, refused.text
    bad = served.post("administrator", "/commands", {
        "type": "record_holiday_notice", "year": 2027, "notice": "测试通知",
        "holidays": ["2028-01-01"]})
    assert bad.status_code == 422, bad.text
    assert "2028-01-01 is not in 2027" in bad.text
    assert served.event_count() == before

    recorded = served.post("administrator", "/commands", {
        "type": "record_holiday_notice", "year": 2027, "notice": "测试通知",
        "holidays": ["2027-01-01"]})
    assert recorded.status_code == 201, recorded.text
    due = served.get("auditor", "/calendar/deadline", **{"from": "2026-12-25", "days": 10})
    assert due.status_code == 200, due.text
    assert due.json()["due"] == "2027-01-11"
    shown = served.get("employee", "/calendar/2027").json()
    assert (shown["source"], shown["holidays"]) == ("recorded", ["2027-01-01"])


def test_the_procedures_report_is_for_whole_organisation_readers(served: Served) -> None:
    report = served.get("auditor", "/procedures", today="2026-06-30")
    assert report.status_code == 200, report.text
    assert report.json()["today"] == "2026-06-30"
    assert served.get("employee", "/procedures").status_code == 403

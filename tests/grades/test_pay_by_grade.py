"""The grade-dependent pay primitives on a scheme adopted as a document: per-grade
inclusion of pay components (004-S11-R11: a + b + c / a + b / nothing) and the year-end
gate (S11-R47: a fail gets no year-end pay), exact to the fen and reconciled."""

from __future__ import annotations

from pathlib import Path

from builders import cli_for
from gradebook import grades, pay_of, subjects, write_jsonl

COMPONENTS = {"rule": "004-S11-R11", "source": "004_deb0a29d71ec55ac.txt:L615"}
GATE = {"rule": "S11-R47", "source": "002_db447562deed9801.txt:L1023"}
SCHEME = {
    "kind": "grading", "id": "pay-primitives", "version": 1, "rulebook": "test",
    "title": "components by grade and a year-end gate", "effective_from": "2025-01-01",
    "source": "004_deb0a29d71ec55ac.txt:L555-L629",
    "pipelines": [{
        "name": "annual", "label": "annual", "period": "year",
        "grades": [{"code": "excellent", "name": "优秀"}, {"code": "qualified", "name": "合格"},
                   {"code": "unqualified", "name": "不合格"}],
        "inputs": {"score": {}, "a_cny": {}, "b_cny": {}, "c_cny": {}, "year_end_cny": {}},
        "figures": [{"name": "total", "expr": "score"}],
        "score": "total",
        "bands": {"source": "score", "ref": COMPONENTS, "rows": [
            {"grade": "excellent", "min": "90"}, {"grade": "qualified", "min": "60"},
            {"grade": "unqualified"}]},
        "pay": [
            {"id": "components", "label": "a + b + c / a + b / none", "kind": "amount",
             "amount": "when(grade == 'excellent', a_cny + b_cny + c_cny, "
                       "when(grade == 'qualified', a_cny + b_cny, 0))", "ref": COMPONENTS},
            {"id": "year_end", "label": "year-end pay, gated", "kind": "base_factor",
             "base": "year_end_cny", "factor": "when(grade == 'unqualified', 0, 1)",
             "withheld_to": "not paid: failed the year-end assessment", "ref": GATE}]}],
}


def test_components_by_grade_and_the_year_end_gate(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    rows: list[dict[str, object]] = [{"type": "adopt_scheme", "document": SCHEME}]
    for who, score in (("x", 95), ("y", 80), ("z", 50)):
        rows += [{"type": "enrol_subject", "subject_id": who, "name": who,
                  "enrolled_on": "2025-01-01"},
                 {"type": "record_grade_input", "subject_id": who, "grading_period": "2025",
                  "component": "score", "value": str(score)}]
        rows += [{"type": "record_pay_base", "subject_id": who, "grading_period": "2025",
                  "component": c, "amount_cny": amount}
                 for c, amount in (("a_cny", "300.10"), ("b_cny", "250.00"),
                                   ("c_cny", "187.55"), ("year_end_cny", "5000.00"))]
    cli.ok("apply", str(write_jsonl(tmp_path / "pay.jsonl", rows)))
    report = grades(cli, "2025")
    people = subjects(report, "annual")
    assert {k: pay_of(p, "components") for k, p in people.items()} == {
        "x": "737.65", "y": "550.10", "z": "0.00"}
    assert {k: pay_of(p, "year_end") for k, p in people.items()} == {
        "x": "5000.00", "y": "5000.00", "z": "0.00"}
    z = next(p for p in people["z"]["pay"] if p["id"] == "year_end")
    assert (z["withheld"], z["rule"]) == ("5000.00", "S11-R47")
    assert report["pay"]["paid"] == "11287.75"
    assert report["pay"]["withheld"] == {"not paid: failed the year-end assessment": "5000.00"}
    assert report["pay"]["reconciliation"]["balance"] == "0.00"

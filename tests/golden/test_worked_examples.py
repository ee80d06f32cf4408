"""The worked examples of seeds-002.md §4, driven through `jixiao apply` and
`jixiao payout --json` on SQLite and PostgreSQL. Expected numbers are the catalogue's,
derived there by hand with exact fractions; each test names the rules it checks."""

from __future__ import annotations

import pytest
from builders import GOLDEN, by_id, cli_for


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def test_example_1_individual_scores_and_per_point_pay(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    report = cli.payout("2026-Q1")
    people = by_id(report["people"], "employee_id")
    # S11-R32…R42: 119, 100 − 100/64 × 2, 100 − 100/64 × 4.
    assert {k: p["score"] for k, p in people.items()} == {
        "zhang": "119", "li": "96.875", "wang": "93.75"}
    # S11-R33: per-point pay = 30 962.50 ÷ 309.625 = 100.
    department = report["departments"][0]
    assert department["per_point_indicative"] == "100.0000"
    assert {k: p["pay"] for k, p in people.items()} == {
        "zhang": "11900.00", "li": "9687.50", "wang": "9375.00"}
    assert report["reconciliation"]["balance"] == "0.00"
    assert report["totals"]["paid"] == "30962.50"


def test_example_2_department_scores_admin_bases_and_controls(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    q1 = cli.payout("2026-Q1")
    departments = by_id(q1["departments"], "department_id")
    # S11-R13…R24 with A-S11-2…5: scores and level-1 pay at 100 per point.
    assert {k: d["score"] for k, d in departments.items()} == {
        "surgery": "1620", "internal": "800", "paediatrics": "414", "ent": "320",
        "leaders": "510.3", "medical-affairs": "310.32", "finance": "167.92",
        "cashier": "318.6"}
    assert {k: d["pay_calculated"] for k, d in departments.items()} == {
        "surgery": "162000.00", "internal": "80000.00", "paediatrics": "41400.00",
        "ent": "32000.00", "leaders": "51030.00", "medical-affairs": "31032.00",
        "finance": "16792.00", "cashier": "31860.00"}
    # 2d, S11-R27…R30: 16 200 (drug ratio) + 8 100 (outpatient fee) + 3 000 (quota).
    assert departments["surgery"]["controls"] == "27300.00"
    assert departments["surgery"]["settled"] == "134700.00"
    assert departments["surgery"]["cap"] == "223057.00"
    explained = cli.ok("explain", "--period", "2026-Q1", "--figure",
                       "hospital:average_bonus", "--json").json()
    assert explained["explain"][0]["value"] == "11152.85"  # exact: 446 114 ÷ 40
    controls = {
        indicator: cli.ok("explain", "--period", "2026-Q1", "--figure",
                          f"dept:surgery:control:{indicator}",
                          "--json").json()["explain"][0]["value"]
        for indicator in ("drug_revenue_ratio", "outpatient_fee_per_visit",
                          "inpatient_fee_per_admission", "expenditure_quota")}
    assert controls == {"drug_revenue_ratio": "16200.00", "outpatient_fee_per_visit": "8100.00",
                        "inpatient_fee_per_admission": "0.00", "expenditure_quota": "3000.00"}

    # 2a, S11-R06 with A-S11-1: 9 % of 10 000 000 less a 3 % reserve of revenue.
    q2 = cli.payout("2026-Q2")
    assert {p["line"]: p["amount"] for p in q2["pool"]} == {
        "medical_revenue": "10000000.00", "gross": "900000.00", "year_end_reserve": "300000.00",
        "adjustments": "0.00", "distributable": "600000.00"}
    # A-S11-8: 42.7 % against 40 % counts two whole points: 10 % of calculated pay.
    surgery = by_id(q2["departments"], "department_id")["surgery"]
    assert surgery["controls"] == "21788.15"
    assert surgery["pay_calculated"] == "217881.53"


def test_example_4c_post_bonus_on_the_average_bonus(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
    people = by_id(cli.payout("2026-Q1")["people"], "employee_id")
    # S11-R48 with A-S11-16: 35/30/25/20/15 % of 11 152.85, rounded half-up once.
    assert {k: people[k]["post_bonus"] for k in (
        "leaders-01", "medical-affairs-01", "surgery-01", "internal-01", "finance-01",
        "paediatrics-01")} == {
        "leaders-01": "3903.50", "medical-affairs-01": "3345.86", "surgery-01": "2788.21",
        "internal-01": "2230.57", "finance-01": "1672.93",
        "paediatrics-01": "0.00"}  # failed the tenure-target assessment


def _icu(report):  # type: ignore[no-untyped-def]
    return by_id(report["departments"], "department_id")["icu"]


def test_example_3_cap_bank_floor_and_year_end_expiry(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    rows = {p: _icu(cli.payout(p)) for p in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")}
    # S11-R57/R58 with A-S11-12/13.
    assert {p: (r["pay_after_controls"], r["settled"], r["banked"], r["bank_drawn"],
                r["subsidy"], r["bank_after"]) for p, r in rows.items()} == {
        "2026-Q1": ("48000.00", "40000.00", "8000.00", "0.00", "0.00", "8000.00"),
        "2026-Q2": ("1600.00", "2400.00", "0.00", "800.00", "0.00", "7200.00"),
        "2026-Q3": ("36000.00", "32000.00", "4000.00", "0.00", "0.00", "11200.00"),
        "2026-Q4": ("1000.00", "2400.00", "0.00", "1400.00", "0.00", "9800.00"),
    }
    assert sum(float(r["settled"]) for r in rows.values()) == 76800
    assert "bank lapsing at year end (超年度无效): 9800.00" in cli.payout("2026-Q4")["notes"]
    # 「超年度无效」: next year's Q1 starts with an empty bank, so the hospital pays 1 400.
    next_year = _icu(cli.payout("2027-Q1"))
    assert (next_year["bank_before"], next_year["subsidy"], next_year["settled"]) == (
        "0.00", "1400.00", "2400.00")


def test_example_3_replay_after_a_correction(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-3" / "commands.jsonl"))
    paid_before = {p: _icu(cli.payout(p))["settled"] for p in ("2026-Q1", "2026-Q2")}
    cli.ok("apply", str(GOLDEN / "example-3" / "correction.jsonl"))
    rows = {p: _icu(cli.payout(p)) for p in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")}
    assert rows["2026-Q1"]["pay_after_controls"] == "50000.00"
    assert [r["bank_after"] for r in rows.values()] == [
        "10000.00", "9200.00", "13200.00", "11800.00"]
    assert [r["settled"] for r in rows.values()] == [
        "40000.00", "2400.00", "32000.00", "2400.00"]
    assert {p: rows[p]["settled"] for p in paid_before} == paid_before


def test_example_3_laboratory_floor_subsidy(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-3" / "laboratory.jsonl"))
    lab = by_id(cli.payout("2026-Q1")["departments"], "department_id")["lab"]
    assert (lab["pay_after_controls"], lab["subsidy"], lab["settled"]) == (
        "2000.00", "1000.00", "3000.00")


def test_example_4a_categories_and_4e_pharmacy(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-4" / "categories.jsonl"))
    q1 = cli.payout("2026-Q1")
    people = by_id(q1["people"], "employee_id")
    # S11-R51/R52 with A-S11-14: ratios scale points; 16 700 ÷ 167 = 100 per point.
    assert {k: (p["points"], p["pay"]) for k, p in people.items()} == {
        "chen": ("100", "10000.00"), "zhao": ("27", "2700.00"), "sun": ("40", "4000.00"),
        "qian": ("0", "0.00"), "zhou": ("0", "0.00")}
    assert people["qian"]["status"] == people["zhou"]["status"] == "excluded"  # S11-R49/R50
    q2 = by_id(cli.payout("2026-Q2")["departments"], "department_id")["ward"]
    assert q2["penalties"] == "3100.00"  # S11-R60: 2 × 1 250 + 2 × 300


def test_example_4d_year_end_gate(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-4" / "year-end.jsonl"))
    report = cli.payout("2026-YE")
    assert {p["line"]: p["amount"] for p in report["pool"]}["distributable"] == "9000.00"
    people = by_id(report["people"], "employee_id")
    # S11-R47 with A-S11-17: D is excluded from the divisor; 9 000 ÷ 300 = 30 per point.
    assert {k: p["pay"] for k, p in people.items()} == {
        "a": "3000.00", "b": "3000.00", "c": "3000.00", "d": "0.00"}
    assert report["reconciliation"]["balance"] == "0.00"


def test_payout_json_is_byte_identical_on_sqlite_and_postgres(sqlite_env, pg_env) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for backend, env in (("sqlite", sqlite_env), ("postgres", pg_env)):
        cli = cli_for(backend, env)
        cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))
        outputs.append([cli.ok(verb, "--period", p, "--json").out
                        for p in ("2026-Q1", "2026-Q2") for verb in ("payout", "reconcile")])
        outputs[-1].append(cli.ok("explain", "--period", "2026-Q1", "--employee", "surgery-01",
                                  "--json").out)
    assert outputs[0] == outputs[1]


def test_example_4b_study_leave_bands(cli) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(GOLDEN / "example-4" / "study-leave.jsonl"))
    report = cli.payout("2026-Q1")
    people = by_id(report["people"], "employee_id")
    # S11-R56 with A-S11-15: same-level (中级) pay is 9 000.
    assert {k: (p["pay"], p["study_leave"]) for k, p in people.items()} == {
        "a": ("9000.00", "0.00"), "b": ("9000.00", "0.00"),
        "p-3w": ("9000.00", "0.00"),    # within a month: the department pays 100 %
        "p-3m": ("0.00", "5400.00"),    # 2–3 months: 60 %, paid by the hospital
        "p-5m": ("0.00", "4500.00"),    # 4–6 months: 50 %
        "p-10m": ("0.00", "2700.00"),   # 7–12 months: 30 %
        "p-13m": ("0.00", "0.00"),      # over a year: nothing
        "p-6w": ("0.00", "5400.00"),    # the 1–2-month gap takes the 60 % band
    }
    lines = {line["line"]: line["amount"] for line in report["reconciliation"]["lines"]}
    assert lines["hospital study-leave pay (outside the pool)"] == "18000.00"
    assert report["reconciliation"]["balance"] == "0.00"

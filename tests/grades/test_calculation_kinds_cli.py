"""The registered calculation kinds through `jixiao apply` and `jixiao grades`: a scheme
that combines them is a document only, and its explanations quote its own numbers."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from builders import Cli, cli_for
from gradebook import FIXTURES, grades, subjects, write_jsonl

from domain.shipped_schemes import load_shipped_scheme

REF = {"rule": "004-S15-R12", "source": "004_deb0a29d71ec55ac.txt:L1000"}
SCORES = {"V1": 96, "V2": 93, "V3": 89, "V4": 88, "V5": 85, "V6": 80, "V7": 72, "V8": 65,
          "V9": 54, "V10": 45}
KEPT = "when(score < 60, subsidy_cny * score / 60, subsidy_cny)"


def _document() -> dict[str, Any]:
    return {
        "kind": "grading", "id": "kinds-demo", "version": 1, "title": "kinds", "rulebook": "t",
        "effective_from": "2025-01-01", "source": "004_deb0a29d71ec55ac.txt:L1000",
        "calculations": {
            "cuts": {"kind": "redistribution", "label": "扣减再分配", "pipeline": "stations",
                     "cut": f"subsidy_cny - {KEPT}", "rank_by": "total", "ref": REF,
                     "bands": [{"up_to_share": "0.1", "share": "0.6"},
                               {"up_to_share": "0.2", "share": "0.4"}]},
            "late": {"kind": "ladder", "label": "迟到扣分", "steps": ["1", "2"], "then": "3",
                     "cap": "6", "ref": REF},
            "award": {"kind": "step", "label": "奖励", "ref": REF,
                      "rows": [{"min": 5, "value": 3000}, {"min": 10, "value": 6000}]},
        },
        "pipelines": [{
            "name": "stations", "label": "村卫生站", "period": "year",
            "subjects": {"kind": "unit"},
            "inputs": {"score": {}, "subsidy_cny": {}, "late_times": {"default": 0},
                       "growth": {"default": 0}},
            "figures": [{"name": "total", "expr": "score", "ref": REF},
                        {"name": "late_deduction", "expr": "ladder('late', late_times)"},
                        {"name": "award", "unit": "cny", "expr": "step('award', growth)"}],
            "pay": [{"id": "subsidy", "label": "补助", "kind": "amount",
                     "amount": f"{KEPT} + cuts", "ref": REF}],
        }],
    }


@pytest.fixture
def cli(store):  # type: ignore[no-untyped-def]
    return cli_for(store.backend, store.env)


def _rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"type": "adopt_scheme", "document": document}]
    for sid, score in SCORES.items():
        rows.append({"type": "enrol_subject", "subject_id": sid, "name": sid, "kind": "unit",
                     "enrolled_on": "2025-01-01"})
        for component, value in (("score", score), ("subsidy_cny", 10000)):
            rows.append({"type": "record_grade_input", "subject_id": sid,
                         "grading_period": "2025", "component": component,
                         "value": str(value)})
    extra = {"V3": ("late_times", "4"), "V4": ("late_times", "2"), "V5": ("growth", "12"),
             "V6": ("growth", "4.9")}
    for sid, (component, value) in extra.items():
        rows.append({"type": "record_grade_input", "subject_id": sid,
                     "grading_period": "2025", "component": component, "value": value})
    return rows


def test_cuts_are_redistributed_to_the_best_ranked_and_the_total_is_kept(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(write_jsonl(tmp_path / "e3.jsonl", _rows(_document()))))
    report = grades(cli, "2025")
    stations = subjects(report, "stations")
    paid = {k: v["pay"][0]["paid"] for k, v in stations.items()}
    assert (paid["V1"], paid["V2"], paid["V3"], paid["V9"], paid["V10"]) == (
        "12100.00", "11400.00", "10000.00", "9000.00", "7500.00")
    assert report["pay"]["reconciliation"]["balance"] == "0.00"
    assert sum(int(float(v)) for v in paid.values()) == 100000


def test_ladder_and_step_kinds(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli.ok("apply", str(write_jsonl(tmp_path / "e3.jsonl", _rows(_document()))))
    stations = subjects(grades(cli, "2025"), "stations")
    # 4 times late: 1 + 2 + 3 + 3 = 9, capped at 6; twice: 1 + 2.
    assert stations["V3"]["figures"]["late_deduction"] == "6"
    assert stations["V4"]["figures"]["late_deduction"] == "3"
    assert stations["V5"]["figures"]["award"] == "6000"
    assert stations["V6"]["figures"]["award"] == "0"


def test_an_invalid_calculation_is_refused_with_its_reason(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = _document()
    document["calculations"]["cuts"]["bands"][1]["share"] = "0.3"
    run = cli("apply", str(write_jsonl(tmp_path / "bad.jsonl", _rows(document)[:1])))
    assert run.code == 2
    assert "the shares add up to 90%, not 100 %" in run.err
    assert "比例合计" not in run.err
    zh = Cli(cli.environ, lang=None)("apply", str(tmp_path / "bad.jsonl"))
    assert zh.code == 2
    assert "比例合计 90%，应为 100%" in zh.err
    assert "add up" not in zh.err


def test_changing_a_rate_in_the_file_changes_the_amount_and_its_explanation(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = copy.deepcopy(load_shipped_scheme("hospital-medical-disputes"))
    document["calculations"]["defect_bands"]["tiers"][0]["rate"] = "0.12"
    rows = [line for line in (FIXTURES / "example-5" / "disputes.jsonl").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith("#")][1:]
    path = tmp_path / "variant.jsonl"

    write_jsonl(path, [{"type": "adopt_scheme", "document": json.loads(json.dumps(
        document, default=str))}, *(json.loads(r) for r in rows)])
    cli.ok("apply", str(path))
    assert subjects(grades(cli, "2025"), "dispute")["D2"]["figures"]["staff_total"] == "2700"
    text = cli.ok("grades", "explain", "--period", "2025", "--subject", "D2").out
    assert "0–10000 × 12%" in text
    assert "10000 × 12%" in text
    assert "× 15%" not in text



def test_each_refusal_of_an_adoption_names_its_place_in_one_language(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An adoption its model refuses three times: three problems, each naming the value
    (a misspelt parameter said nothing of where once only the messages were kept)."""
    document = _document()
    document["calculations"]["cuts"]["bands"][1]["share"] = "0.3"
    document["calculations"]["late"]["cap"] = "-6"
    document["calculations"]["late"]["capp"] = "6"
    bad = write_jsonl(tmp_path / "bad.jsonl", _rows(document)[:1])
    en = cli("apply", str(bad))
    assert en.code == 2
    assert [line for line in en.err.splitlines() if line.startswith("  ")] == [
        "  line 1: calculations.cuts.redistribution: the shares add up to 90%, not 100 %",
        "  line 1: calculations.late.ladder.cap: -6 is negative; it must not be",
        "  line 1: calculations.late.ladder.capp: Extra inputs are not permitted"]
    zh = Cli(cli.environ, lang=None)("apply", str(bad))
    assert zh.code == 2
    assert [line for line in zh.err.splitlines() if line.startswith("  ")] == [
        "  第 1 行：calculations.cuts.redistribution：比例合计 90%，应为 100%",
        "  第 1 行：calculations.late.ladder.cap：-6 不能为负数",
        "  第 1 行：calculations.late.ladder.capp：不允许多余的字段"]


def test_scheme_check_words_a_refusal_that_holds_a_semicolon(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"{value} is negative; it must not be" is one message, though joined refusals are
    split at "; ": it reads in Chinese by default, in English under --lang en."""
    document = _document()
    document["calculations"]["late"]["cap"] = "-6"
    path = tmp_path / "cap.yaml"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    zh = Cli(cli.environ, lang=None)("scheme", "check", str(path))
    assert zh.code == 2
    assert "calculations.late.ladder.cap: -6 不能为负数" in zh.out
    assert not re.search(r"negative|must not", zh.out)
    en = cli("scheme", "check", str(path))
    assert "calculations.late.ladder.cap: -6 is negative; it must not be" in en.out

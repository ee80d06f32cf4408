"""Helpers for the grading tests: run `jixiao grades` and pick results out of its JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def grades(cli: Any, period: str, *extra: str) -> dict[str, Any]:
    return cli.ok("grades", "--period", period, "--json", *extra).json()  # type: ignore[no-any-return]


def explain(cli: Any, period: str, subject: str, *extra: str) -> dict[str, Any]:
    return cli.ok("grades", "explain", "--period", period, "--subject", subject, "--json",
                  *extra).json()  # type: ignore[no-any-return]


def pipeline(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in report["pipelines"] if p["name"] == name)


def subjects(report: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    return {s["subject_id"]: s for s in pipeline(report, name)["subjects"]}


def grade_map(report: dict[str, Any], name: str) -> dict[str, str | None]:
    return {k: s["grade"] for k, s in subjects(report, name).items()}


def pay_of(subject: dict[str, Any], line: str) -> str:
    return next(p["paid"] for p in subject["pay"] if p["id"] == line)  # type: ignore[no-any-return]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def stages(subject: dict[str, Any]) -> list[tuple[str, str | None, str | None, str]]:
    return [(s["stage"], s["from"], s["to"], s.get("rule", "")) for s in subject["steps"]]

"""Through the CLI: an adoption that supersedes one of the same id@version may move its
date but not change the document (a changed document is a new version,
docs/schemes-versioning.md); `jixiao scheme check` on a missing file is bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import Cli, cli_for

SCHEME_FILE = Path(__file__).parents[2] / "domain" / "schemes" / "xinghe-county-hospital.yaml"


def _adopted(store: Any, tmp_path: Path) -> tuple[Cli, dict[str, Any]]:
    cli = cli_for(store.backend, store.env)
    first = tmp_path / "adopt.jsonl"
    first.write_text(json.dumps({"type": "adopt_scheme", "scheme": "xinghe-county-hospital",
                                 "idempotency_key": "first"}) + "\n", encoding="utf-8")
    cli.ok("apply", str(first))
    events = [json.loads(line) for line in cli.ok("events", "--json").out.splitlines()]
    return cli, next(e for e in events if e["type"] == "SchemeAdopted")


def _correction(tmp_path: Path, target: str, **changes: Any) -> Path:
    document = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = document
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    path = tmp_path / "correction.jsonl"
    path.write_text(json.dumps({"type": "adopt_scheme", "document": document,
                                "supersedes": target, "reason": "更正"},
                               ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def test_a_correction_that_changes_the_document_under_the_same_version_is_refused(
        store: Any, tmp_path: Path) -> None:
    cli, adoption = _adopted(store, tmp_path)
    key = f"xinghe-county-hospital@{adoption['version']}"
    events = cli.event_count()
    run = cli("apply", str(_correction(tmp_path, adoption["originator_id"],
                                       pool__rate="0.10", cap__multiple_of_average_bonus=3)))
    assert run.code == 2
    assert key in run.err
    assert "a changed document needs a new version" in run.err
    assert "另立新版本" not in run.err
    assert "pool.rate" in run.err
    assert "cap.multiple_of_average_bonus" in run.err
    chinese = replace(cli, lang=None)(
        "apply", str(_correction(tmp_path, adoption["originator_id"], pool__rate="0.10",
                                 cap__multiple_of_average_bonus=3)))
    assert f"{key} 已经采用过：更正只能改生效日期" in chinese.err
    assert "不同之处：cap.multiple_of_average_bonus, pool.rate" in chinese.err
    assert "new version" not in chinese.err
    assert cli.event_count() == events


def test_a_correction_of_the_date_alone_is_taken(store: Any, tmp_path: Path) -> None:
    cli, adoption = _adopted(store, tmp_path)
    cli.ok("apply", str(_correction(tmp_path, adoption["originator_id"],
                                    effective_from="2026-04-01")))
    events = [json.loads(line) for line in cli.ok("events", "--json").out.splitlines()]
    corrected = [e for e in events if e["supersedes"] == adoption["originator_id"]]
    assert [e["effective_from"] for e in corrected] == ["2026-04-01"]


@pytest.mark.parametrize("verb", [("check",), ("show",), ("diff", "xinghe-county-hospital")])
def test_a_scheme_file_that_is_not_there_is_bad_input_naming_the_path(
        tmp_path: Path, verb: tuple[str, ...]) -> None:
    cli = Cli({"JIXIAO_DB": str(tmp_path / "none.db"), "JIXIAO_ACTOR": "test"})
    missing = str(tmp_path / "nope" / "missing-scheme.yaml")
    run = cli("scheme", *verb, missing)
    assert run.code == 2
    assert run.err == f"error: no scheme file {missing}: the path does not exist or is not a file\n"
    run = Cli(cli.environ, lang=None)("scheme", *verb, missing)  # the default language
    assert run.err == f"错误：找不到方案文件 {missing}：路径不存在或不是文件\n"


def _adoption_of(tmp_path: Path, version: int, name: str = "lower.jsonl",
                 effective_from: str | None = None, **fields: Any) -> Path:
    document = {**yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8")), "version": version}
    if effective_from is not None:
        document["effective_from"] = effective_from
    path = tmp_path / name
    path.write_text(json.dumps({"type": "adopt_scheme", "document": document, **fields},
                               ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def test_a_lower_version_on_the_date_a_higher_one_takes_effect_is_refused(
        store: Any, tmp_path: Path) -> None:
    cli, adoption = _adopted(store, tmp_path)
    higher = adoption["version"]
    events = cli.event_count()
    run = cli("apply", str(_adoption_of(tmp_path, higher - 1)))
    assert run.code == 2
    for named in (f"xinghe-county-hospital@{higher - 1}", f"xinghe-county-hospital@{higher}",
                  adoption["effective_from"], "supersedes"):
        assert named in run.err
    assert cli.event_count() == events


def test_a_lower_version_is_taken_as_a_correction_or_from_another_date(
        store: Any, tmp_path: Path) -> None:
    cli, adoption = _adopted(store, tmp_path)
    lower = adoption["version"] - 1
    cli.ok("apply", str(_adoption_of(tmp_path, lower, "later.jsonl",
                                     effective_from="2026-07-01")))
    cli.ok("apply", str(_adoption_of(tmp_path, lower, "correction.jsonl",
                                     supersedes=adoption["originator_id"], reason="更正")))
    listed = json.loads(cli.ok("scheme", "list", "--adopted", "--json").out)
    assert [(a["version"], a["effective_from"]) for a in listed["adopted"]] == [
        (lower, adoption["effective_from"]), (lower, "2026-07-01")]


def test_a_batch_that_adopts_a_version_then_a_lower_one_on_its_date_is_refused(
        store: Any, tmp_path: Path) -> None:
    cli = cli_for(store.backend, store.env)
    both = tmp_path / "both.jsonl"
    document = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))
    both.write_text("".join(json.dumps({"type": "adopt_scheme",
                                        "document": {**document, "version": v}},
                                       default=str) + "\n" for v in (3, 2)), encoding="utf-8")
    run = cli("apply", str(both))
    assert run.code == 2
    assert "xinghe-county-hospital@2 is lower than xinghe-county-hospital@3" in run.err
    chinese = replace(cli, lang=None)("apply", str(both))
    assert "xinghe-county-hospital@2 低于生效日期 " in chinese.err
    assert "is lower than" not in chinese.err
    if store.backend == "sqlite":  # a refused batch leaves no ledger at a new path
        assert not Path(store.env["SQLITE_DBNAME"]).exists()
    else:
        assert cli.event_count() == 0

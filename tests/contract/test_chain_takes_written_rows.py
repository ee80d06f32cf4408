"""The audit chain's catch-up after a write hashes the rows the ledger has just written
instead of reading them back from the store (issue 18, target 3), and the chain it
builds is the one verification recomputes from the store, on both backends, for a batch
written whole and for one written in chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.storage import chain
from api.storage.session import Session
from api.usecases import streaming
from api.usecases.ports import Caller
from api.usecases.streaming import apply_jsonl, open_jsonl


def _rows(count: int) -> list[dict[str, str]]:
    setup = [{"type": "adopt_scheme", "scheme": "xinghe-county-hospital"},
             {"type": "define_department", "department_id": "internal", "name": "内科",
              "kind": "clinical", "risk_coefficient": "1", "effective_on": "2026-01-01"}]
    return setup + [{"type": "hire_employee", "employee_id": f"E{n:03d}", "name": f"员工{n}",
                     "department_id": "internal", "title_grade": "practitioner",
                     "hired_on": "2020-01-01"} for n in range(count)]


@pytest.mark.parametrize("chunk_rows", [4, 1000], ids=["chunked", "whole"])
def test_the_chain_after_a_write_is_built_from_the_written_rows(
        store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows(10)),
                    encoding="utf-8")
    monkeypatch.setattr(streaming, "CHUNK_ROWS", chunk_rows)
    read_back: list[int] = []
    reader = chain.stored_records

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for record in reader(*args, **kwargs):
            read_back.append(record.position)
            yield record

    monkeypatch.setattr(chain, "stored_records", counted)
    with open_jsonl(str(path)) as source, Session(store.env) as session:
        applied = apply_jsonl(session, Caller("clerk"), source)
        assert len(applied.recorded) == 12
        assert read_back == []  # nothing read back: the chain took the written rows
        assert session.chain.tracking()[0] == applied.last_position
    monkeypatch.setattr(chain, "stored_records", reader)
    with Session(store.env) as session:
        report = session.verify_chain_only()
    assert report.ok, report
    assert report.links == report.events == applied.last_position

"""A template's lists follow the reader's rights (issue 13): a head of a department with
nobody in it is shown no one, not even in the example row."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from builders import GOLDEN
from openpyxl import load_workbook

from api.cli import main
from api.storage.session import Session, store_env
from api.usecases.ports import Caller
from api.usecases.templates import template_file
from api.usecases.users import NewUser, add_user


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS", "JIXIAO_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:template-scope")


def test_a_head_of_an_empty_department_is_shown_nobody(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"type": "define_department", "department_id": "empty",
                                 "name": "空科室", "kind": "clinical",
                                 "risk_coefficient": "1", "effective_on": "2026-01-01"}) + "\n")
    for commands in (GOLDEN / "example-1" / "commands.jsonl", empty):
        assert main(["apply", str(commands), "--db", db]) == 0
    with Session(store_env(db, {})) as session:
        add_user(session, Caller("test"), NewUser("h", "h", "department_head", ["empty"]))
        user = session.users().users["h"]
        roster = set(session.facts().employee_ids())
        made = template_file(session, Caller.of(user), "entries", "xlsx")
    book = load_workbook(io.BytesIO(made.content))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for c in row if c.value is not None}
    shown = {person for person in roster for cell in cells if f"({person})" in cell
             or cell == person}
    assert shown == set()

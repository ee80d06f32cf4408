"""The real CLI over worked example 1's ward (zhang and li on the roster), SQLite only:
the set-up the import refusal tests share (test_import_examples, test_import_refusal_words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main
from api.storage.session import store_env
from domain.application import Ledger

FIXTURES = Path(__file__).parent / "fixtures"
ROSTER = ("工号,姓名,科室,职称,入职日期\n"
          "zhang,张,internal,associate_senior,2020-01-01\n"
          "li,李,internal,intermediate,2020-01-01\n")


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSISTENCE_MODULE", "JIXIAO_DB", "JIXIAO_PROGRESS", "JIXIAO_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIXIAO_ACTOR", "test:sheets")


def jixiao(capsys: pytest.CaptureFixture[str], lang: str | None, *argv: str
           ) -> tuple[int, str, str]:
    code = main([*(["--lang", lang] if lang else []), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def events(db: Path) -> int:
    with Ledger(store_env(str(db), environ={})) as ledger:
        return ledger.max_position()


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Worked example 1's ward, with zhang and li on the roster (the template's people)."""
    db = tmp_path / "ledger.db"
    assert jixiao(capsys, None, "apply", "--db", str(db),
                  str(FIXTURES / "example1-setup.jsonl"))[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert jixiao(capsys, None, "import", "--db", str(db), "roster", str(roster))[0] == 0
    return db

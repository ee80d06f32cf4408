"""A decision letter names the contested entry and the decision as people call them, from
the message catalogue (issue 13): Chinese by default, English with `--lang en`; never the
event's class name. Through the CLI on SQLite and PostgreSQL; the text is read back from
the PDF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from uuid import uuid5

from builders import GOLDEN, cli_for
from pypdf import PdfReader

from api.i18n import use_language
from api.i18n.events import event_name, outcome_name
from domain.application import IDEMPOTENCY_NAMESPACE

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_letter_names_the_entry_and_the_decision_in_the_readers_language(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    cli = replace(cli_for(store.backend, store.env), lang=None)  # the default: Chinese
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    cli.ok("appeal", "file", "--appeal-id", "A-1", "--employee", "li", "--entry", LI_COMPLAINT,
           "--grounds", "投诉已撤回", "--received-on", "2026-04-01", "--filed-on", "2026-04-03")
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu")
    cli.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--actor", "reviewer-wu",
           "--reason", "投诉已撤回", "--decided-on", "2026-04-10")
    kind = cli.ok("appeal", "show", "A-1", "--json").json()["contested"]["type"]
    assert kind == "DeductionRecorded"
    cli.ok("appeal", "letter", "A-1", "--output", str(tmp_path / "zh.pdf"))
    cli.ok("--lang", "en", "appeal", "letter", "A-1", "--output", str(tmp_path / "en.pdf"))
    chinese, english = _text(tmp_path / "zh.pdf"), _text(tmp_path / "en.pdf")
    with use_language("zh_CN"):
        assert f"被申诉事项：{event_name(kind)}" in chinese
        assert f"第 1 级：{outcome_name('revoke')}" in chinese
        assert not event_name(kind).isascii()
    with use_language("en"):
        assert f"被申诉事项：{event_name(kind)}" in english
        assert f"第 1 级：{outcome_name('revoke')}" in english
    assert kind not in chinese
    assert kind not in english

"""A decision letter names the contested entry and the decision as people call them, from
the message catalogue (issue 13): Chinese by default, English with `--lang en`; never the
event's class name. Through the CLI on SQLite and PostgreSQL; the text is read back from
the PDF."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from uuid import uuid5

from builders import GOLDEN, cli_for
from pypdf import PdfReader

from api.i18n import gettext, use_language
from api.i18n.events import event_name, outcome_name
from api.i18n.letters import letter_text, pool_line_name
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
        assert f"{letter_text('kind')}: {event_name(kind)}" in english
        assert letter_text("level", level=1, outcome=outcome_name("revoke")) in english
    assert kind not in chinese
    assert kind not in english
    # The whole English letter is English (issue 13): the only Chinese left is what
    # people wrote (the grounds and the reason); the Chinese letter keeps its labels.
    assert _han(english.replace("投诉已撤回", "")) == ""
    with use_language("zh_CN"):
        for key in ("title", "parties", "contested", "decision", "dates", "effect"):
            assert letter_text(key) in chinese
    with use_language("en"):
        for key in ("title", "parties", "contested", "decision", "dates", "effect",
                    "before", "after", "review_deadline"):
            assert letter_text(key) in english, key


def test_the_chinese_payout_names_its_pool_lines(store) -> None:  # type: ignore[no-untyped-def]
    """The pool line of `jixiao payout` reads 医疗收入, 可分配绩效总额 … in Chinese, not
    the JSON ids (medical_revenue, gross)."""
    cli = replace(cli_for(store.backend, store.env), lang=None)
    cli.ok("apply", str(GOLDEN / "example-2" / "commands.jsonl"))  # a pool of revenue × rate
    ids = [p["line"] for p in cli.ok("payout", "--period", "2026-Q2", "--json").json()["pool"]]
    assert {"medical_revenue", "gross"} <= set(ids)
    with use_language("zh_CN"):
        pool = next(line for line in cli.ok("payout", "--period", "2026-Q2").out.splitlines()
                    if line.startswith(gettext("Pool: ")))
        for line in ids:
            assert pool_line_name(line) in pool
            assert line not in pool


def _han(text: str) -> str:
    return "".join(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", text))

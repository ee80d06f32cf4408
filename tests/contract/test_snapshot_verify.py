"""`jixiao verify` checks the stored snapshot of the fold (api/storage/snapshot_check.py),
on SQLite and PostgreSQL: with the key, a snapshot that is the fold of the stored events
up to its position passes and is said to; one signed under this key yet pointing beyond
the store, at a rewritten chain, or (by whoever holds the key) over facts that are not
the fold is a finding and verify exits 1. One that fails the MAC (the old snapshot after
a key change, or a forgery without the key) is never used, so it changed nothing: the
report says it was not checked, exit 0; without a key too."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import GOLDEN, Cli, cli_for, set_snapshot, signed_row, snapshot_key_file, snapshot_row

from api.storage import facts_codec
from api.storage.session import Session
from api.storage.snapshot_check import StoredSnapshot
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from domain.facts import Facts


@pytest.fixture
def env(store: Any, tmp_path: Path) -> dict[str, str]:
    """example-1 applied with a snapshot key (its session leaves the snapshot)."""
    key = snapshot_key_file(tmp_path / "snapshot.key")
    environ = {**store.env, SNAPSHOT_KEY_ENV: str(key)}
    _cli(store, environ).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    return environ


def _cli(store: Any, env: dict[str, str], lang: str | None = None) -> Cli:
    base = cli_for(store.backend, store.env).environ
    return Cli({**base, **{k: v for k, v in env.items() if k == SNAPSHOT_KEY_ENV}}, lang=lang)


def _row(env: dict[str, str]) -> tuple[int, str, str, str, bytes]:
    row = snapshot_row(env)
    assert row is not None
    return row


def _made_up(env: dict[str, str]) -> bytes:
    """Facts that are not the fold of the stored events, at the same position: one live
    fact dropped (what someone holding the key could sign)."""
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        facts = Facts.fold(session.ledger.read())
    facts.live.pop(next(iter(facts.live)))
    return facts_codec.encode(facts)


def _verify(store: Any, env: dict[str, str], *options: str) -> Any:
    return _cli(store, env, lang=None)("verify", *options)


def test_a_snapshot_that_is_the_fold_passes_and_is_said_to(store: Any,
                                                           env: dict[str, str]) -> None:
    run = _verify(store, env)
    assert run.code == 0, run.err
    position = _row(env)[0]
    assert f"事实快照（位置 {position}）：与按库中事件重新计算到该位置的结果一致" in run.out
    english = _cli(store, env, lang="en")("verify")
    assert f"snapshot of the fold at position {position}: the same facts" in english.out
    assert _cli(store, env)("verify", "--json").json()["ok"] is True


def test_without_a_key_the_snapshot_is_said_unchecked(store: Any, env: dict[str, str]) -> None:
    run = _verify(store, {k: v for k, v in env.items() if k != SNAPSHOT_KEY_ENV})
    assert run.code == 0, run.err
    assert "未核对事实快照：本环境没有快照密钥" in run.out


def _damage(env: dict[str, str], row: tuple[Any, ...], case: str) -> dict[str, Any]:
    """The case's columns, made for it alone (each signs in a session of its own)."""
    columns: dict[str, Callable[[], dict[str, Any]]] = {
        "snapshot_beyond": lambda: signed_row(env, row, position=row[0] + 5),
        "snapshot_chain": lambda: signed_row(env, row, chain_head="0" * 64),
        "snapshot_unreadable": lambda: signed_row(env, row, body=b"not a pickle"),
        "snapshot_differs": lambda: signed_row(env, row, body=_made_up(env)),
    }
    return columns[case]()


@pytest.mark.parametrize("case", ["snapshot_beyond", "snapshot_chain",
                                  "snapshot_unreadable", "snapshot_differs"])
def test_a_forged_or_unlike_snapshot_is_a_finding(store: Any, env: dict[str, str],
                                                  case: str) -> None:
    row = _row(env)
    damage = _damage(env, row, case)
    set_snapshot(env, **damage)
    report = _cli(store, env)("verify", "--json")
    assert report.code == 1
    findings = report.json()["findings"]
    assert [(f["kind"], f["reason"]) for f in findings] == [("snapshot", case)]
    # A session that refuses a snapshot and folds every event may write its own at its
    # close (verify's first, catching the statements view up, does): damaged again.
    set_snapshot(env, **damage)
    run = _verify(store, env)
    assert run.code == 1
    assert run.out.startswith("哈希链完好")  # the snapshot is beside the chain, not in it
    assert "  事实快照：" in run.out
    assert "snapshot" not in run.out  # the reader's language, not the reason's name


def test_a_snapshot_under_another_key_is_said_unchecked_not_a_finding(
        store: Any, env: dict[str, str]) -> None:
    """After a key change (or a forgery by someone without the key): never used, so no
    alarm that auditors would learn to ignore; said in the reader's language."""
    row = _row(env)
    forged = signed_row(env, row, key=secrets.token_bytes(32), body=_made_up(env))
    set_snapshot(env, **forged)
    zh, en = _cli(store, env, lang=None)("verify", "--json"), _cli(store, env)("verify", "--json")
    assert (zh.code, en.code) == (0, 0)
    assert zh.out == en.out  # machine output: the same bytes in every language
    assert zh.json()["ok"] is True
    assert zh.json()["findings"] == []
    # verify's own session may write a new snapshot at its close: forged again.
    set_snapshot(env, **forged)
    run = _verify(store, env)
    assert run.code == 0, run.err
    assert run.out.startswith("哈希链完好")
    assert ("未核对事实快照：其消息认证码与本环境的快照密钥不符（由另一把密钥写入，或系伪造）；"
            "它不会被使用") in run.out
    set_snapshot(env, **forged)
    english = _cli(store, env, lang="en")("verify")
    assert english.code == 0, english.err
    assert ("the snapshot of the fold was not checked: its MAC does not match this "
            "environment's snapshot key") in english.out


def test_json_is_the_same_bytes_in_both_languages_with_a_finding(
        store: Any, env: dict[str, str]) -> None:
    damage = signed_row(env, _row(env), body=_made_up(env))
    outputs = []
    for lang in (None, "en"):
        set_snapshot(env, **damage)
        run = _cli(store, env, lang=lang)("verify", "--json")
        assert run.code == 1
        outputs.append(run.out)
    assert outputs[0] == outputs[1]


def test_pieces_that_are_not_one_body_are_a_finding_even_once_warned(
        store: Any, env: dict[str, str]) -> None:
    """A session names a warning once: one its first fold met already must not hide the
    finding (verify used to count the warnings)."""
    from api.storage.snapshot_check import check_snapshot  # noqa: PLC0415

    set_snapshot(env, piece=3)  # one piece, numbered as if others came first
    run = _cli(store, env)("verify", "--json")
    assert run.code == 1
    assert [(f["kind"], f["reason"]) for f in run.json()["findings"]] == [
        ("snapshot", "snapshot_pieces")]
    set_snapshot(env, piece=3)  # verify's session may have written a new one at its close
    with Session(env) as session:
        session._head.stored_row()  # its warning, named now ...
        assert session.integrity_warnings
        check = check_snapshot(session._head, session.ledger,
                               session.chain)  # ... and not again
    assert [f.why for f in check.findings] == ["snapshot_pieces"]
    set_snapshot(env, piece=3)
    line = _verify(store, env).out
    assert "  事实快照：其存储的各片段拼不成一个大小有限的整体" in line
    assert "整条哈希链" not in line  # the snapshot, not the chain


def test_verify_folds_the_events_for_the_snapshot_in_its_one_walk(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The check compares the snapshot with the fold the chain's walk took in from the
    rows it read: the log is not read a second time (Ledger.read was that second read)."""
    from domain.application import Ledger  # noqa: PLC0415

    def second_read(*_: Any, **__: Any) -> Any:
        raise AssertionError("the log was read again")

    with Session(env) as session:
        monkeypatch.setattr(Ledger, "read", second_read)
        report = session.verify_chain()
    assert (report.snapshot, report.findings) == ("checked", ())


def test_verify_folds_no_events_for_a_snapshot_under_another_key(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The old snapshot after a key change is never compared with the fold, so the walk
    takes in no fold for it (it folded every event up to it, for nothing); the report is
    the same: unchecked, no finding."""
    forged = signed_row(env, _row(env), key=secrets.token_bytes(32), body=_made_up(env))
    set_snapshot(env, **forged)
    folded: list[int] = []
    apply_page = Facts.apply_page

    def counted(facts: Facts, page: Any) -> Any:
        folded.append(len(page))
        return apply_page(facts, page)

    with Session(env) as session:
        session.catch_up_view()  # whatever the view's catch-up folds, folded before
        monkeypatch.setattr(Facts, "apply_page", counted)
        report = session.verify_chain()
    assert (report.snapshot, report.findings) == ("other_key", ())
    assert folded == []


@pytest.mark.parametrize("page_size", [7, 1000])
def test_the_walk_reads_every_record_and_folds_exactly_up_to_the_snapshot(
        env: dict[str, str], page_size: int) -> None:
    """Up to a position inside a page, at a page's end and at the last event: the
    records are the chain's own reading, the fold is a fold of the events up to there."""
    from itertools import takewhile  # noqa: PLC0415

    from api.storage.chain import stored_records  # noqa: PLC0415
    from api.storage.snapshot_check import WalkedFold, fold_state, walked_records  # noqa: PLC0415

    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        ledger = session.ledger
        ledger.page_size = page_size
        last = ledger.max_position()
        expected = list(stored_records(ledger))
        for upto in sorted({3, 7, 14, last - 1, last}):
            fold = WalkedFold(upto)
            assert list(walked_records(ledger, fold)) == expected
            assert fold.done
            folded = Facts.fold(takewhile(lambda item, upto=upto: item[0] <= upto,
                                          ledger.read()))
            assert fold_state(fold.facts) == fold_state(folded)


def test_the_stored_snapshot_never_shows_its_key_in_a_repr() -> None:
    secret = secrets.token_bytes(32)
    shown = repr(StoredSnapshot(row=None, broken=False, key=secret, signed=False))
    assert secret.hex() not in shown
    assert repr(secret) not in shown
    assert "broken=False" in shown

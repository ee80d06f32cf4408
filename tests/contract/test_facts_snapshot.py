"""The snapshot of the fold of every event (api/storage/facts_snapshot.py), on SQLite and
PostgreSQL: with a snapshot key configured, a session that folded leaves it at its close;
the next session's first fold starts from it and folds only the events after it, to the
same facts and the same answers (a what-if's payout byte for byte) as the fold of every
event. Without a key none is written or read. A damaged, forged (signed under another
key, or not at all), foreign or out-of-date snapshot is not read: the fold reads every
event, with the same answer, and names a failed check among the session's warnings."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import (
    GOLDEN,
    Cli,
    cli_for,
    fold_reads,
    fold_state,
    set_snapshot,
    signed_row,
    snapshot_key_file,
    snapshot_row,
    sql_on_store,
    what_if_deduction,
)

from api.i18n import use_language
from api.i18n.findings import warning_text
from api.storage import facts_codec, facts_snapshot
from api.storage.session import Session
from api.storage.snapshot_key import SNAPSHOT_KEY_ENV
from domain.facts import Facts

PERIOD = "2026-Q1"


@pytest.fixture
def store(store: Any, tmp_path: Path) -> Any:
    """The backend's store, with a snapshot key configured as a deployment does."""
    return type(store)(store.backend, {
        **store.env, SNAPSHOT_KEY_ENV: str(snapshot_key_file(tmp_path / "snapshot.key"))})


def _cli(store: Any, **setting: str) -> Cli:
    """The CLI on this store, with its key unless a setting names another (or none: "")."""
    environ = {**cli_for(store.backend, store.env).environ,
               SNAPSHOT_KEY_ENV: store.env[SNAPSHOT_KEY_ENV], **setting}
    return Cli({k: v for k, v in environ.items() if v})


def _applied(store: Any) -> dict[str, str]:
    """example-1 recorded by `jixiao apply` (whose session leaves the snapshot); the
    store's session environment."""
    _cli(store).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    return dict(store.env)


def _state(facts: Facts) -> Any:
    return fold_state(facts, lambda event: event.model_dump())


def _full_fold(env: dict[str, str]) -> Any:
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        return _state(session.ledger.facts())


def _correction(env: dict[str, str], tmp_path: Path) -> Path:
    """A batch correcting one of zhang's late entries (in the snapshot) and voiding one of
    wang's: later events that change facts the snapshot holds."""
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        events = list(session.ledger.facts().live.values())
    late = next(e for e in events if getattr(e, "employee_id", None) == "zhang"
                and getattr(e, "kind", None) == "late")
    other = next(e for e in events if getattr(e, "employee_id", None) == "wang"
                 and type(e).__name__ == "DeductionRecorded")
    rows = [{"type": "record_deduction", "period": PERIOD, "employee_id": "zhang",
             "kind": "late", "minutes": 2, "supersedes": str(late.originator_id),
             "reason": "appeal upheld"},
            {"type": "void_entry", "target_id": str(other.originator_id),
             "reason": "recorded twice"}]
    path = tmp_path / "correction.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_session_leaves_a_snapshot_the_next_fold_starts_from(
        store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    row = snapshot_row(env)
    assert row is not None
    position = row[0]
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    assert snapshot_row(env) == row  # two events later: not worth writing again
    expected = _full_fold(env)
    starts = fold_reads(monkeypatch)
    with Session(env) as session:
        facts = session.ledger.facts()
        assert not session.integrity_warnings
    assert starts == [position]  # only the events after the snapshot were read
    assert facts.last_position > position
    assert _state(facts) == expected


def _what_if(store: Any, batch: Path, **setting: str) -> tuple[str, str]:
    """`jixiao payout --with` as a user runs it (in the default language): (standard
    output, standard error)."""
    run = Cli(_cli(store, **setting).environ, lang=None).ok(
        "payout", "--period", PERIOD, "--with", str(batch))
    return run.out, run.err


def test_a_what_if_answers_the_same_from_the_snapshot(
        store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    row = snapshot_row(env)
    assert row is not None
    batch = what_if_deduction(tmp_path)
    starts = fold_reads(monkeypatch)
    answers, firsts = [], []
    for setting in ({"JIXIAO_SNAPSHOTS": "on"}, {"JIXIAO_SNAPSHOTS": "off"},
                    {SNAPSHOT_KEY_ENV: ""}, {"JIXIAO_SNAPSHOTS": "on"}):
        before = len(starts)
        out, err = _what_if(store, batch, **setting)
        assert "snapshot" not in err
        answers.append(out)
        firsts.append(starts[before])  # where the verb's first fold started
    assert firsts == [row[0], 0, 0, row[0]]  # from the snapshot only with the key
    assert answers[0] == answers[1] == answers[2] == answers[3]
    assert "wang" in answers[0]


def _evil(marker: Path) -> bytes:
    class Evil:
        def __reduce__(self) -> Any:
            return os.system, (f"touch {marker}",)

    return pickle.dumps((facts_codec.FORMAT, Evil()), protocol=5)


def _fewer_events(env: dict[str, str]) -> bytes:
    """A well-formed body of made-up facts: the fold without its last events."""
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        facts = session.ledger.facts()
        position = facts.last_position
        made_up = Facts.fold(list(session.ledger.read())[:-3])
    made_up.last_position = position
    return facts_codec.encode(made_up)


def _damaged_cases(env: dict[str, str], row: tuple[Any, ...],
                   marker: Path) -> dict[str, Callable[[], dict[str, Any]]]:
    """Each damage's columns, made only for its own case (a forged body is a fold in a
    session of its own, a signed one another session)."""

    def flipped() -> dict[str, Any]:
        body = bytearray(row[4])
        body[len(body) // 2] ^= 0xFF
        return {"body": bytes(body)}

    def sha_as_mac() -> dict[str, Any]:
        forged = _fewer_events(env)
        return {"body": forged, "mac": hashlib.sha256(forged).hexdigest()}

    return {
        # Written without the key: refused before a byte is unpickled.
        "body": flipped,
        "chain-unsigned": lambda: {"chain_head": "0" * 64},
        "position-unsigned": lambda: {"position": row[0] + 5},
        "evil": lambda: {"body": _evil(marker)},
        "forged-no-mac": lambda: {"body": _fewer_events(env), "mac": ""},
        "forged-sha-as-mac": sha_as_mac,
        "forged-other-key": lambda: signed_row(env, row, key=secrets.token_bytes(32),
                                            body=_fewer_events(env)),
        # Signed with the store's key (the key itself leaked): the later checks still hold.
        "chain": lambda: signed_row(env, row, chain_head="0" * 64),
        "position": lambda: signed_row(env, row, position=row[0] + 5),
        "evil-signed": lambda: signed_row(env, row, body=_evil(marker)),
    }


@pytest.mark.parametrize("damage", ["body", "chain-unsigned", "position-unsigned", "evil",
                                    "forged-no-mac", "forged-sha-as-mac", "forged-other-key",
                                    "chain", "position", "evil-signed"])
def test_a_damaged_snapshot_is_named_and_every_event_folded(
        store: Any, damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    row = snapshot_row(env)
    assert row is not None
    marker = tmp_path / "ran"
    set_snapshot(env, **_damaged_cases(env, row, marker)[damage]())
    expected = _full_fold(env)
    starts = fold_reads(monkeypatch)
    with Session(env) as session:
        facts = session.ledger.facts()
        warnings = list(session.integrity_warnings)
    assert starts[0] == 0
    assert _state(facts) == expected
    assert len(warnings) == 1
    assert "facts snapshot failed its check" in warnings[0]
    if damage in ("body", "evil") or damage.endswith(("unsigned", "mac", "key")):
        assert "HMAC does not match" in warnings[0]
        with use_language("zh_CN"):  # its reason worded too, not English in the Chinese
            assert warning_text(warnings[0]) == ("事实快照未通过校验，已从全部事件计算："
                                                 "其 HMAC 不符（写入时所用的不是本存储的密钥）")
    if damage == "evil-signed":  # signed, so unpickled: the unpickler refuses it
        assert "may not name posix.system" in warnings[0]
    assert not marker.exists()  # nothing a body names is run


def test_a_snapshot_under_another_key_is_refused_named_and_answers_the_same(
        store: Any, tmp_path: Path) -> None:
    """A store moved to another deployment, or a snapshot forged by someone who can write
    the database but does not hold its key: named, and the what-if prints the same."""
    env = _applied(store)
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    assert snapshot_row(env) is not None
    batch = what_if_deduction(tmp_path)
    other = str(snapshot_key_file(tmp_path / "other.key"))
    plain = _what_if(store, batch, JIXIAO_SNAPSHOTS="off")
    out, err = _what_if(store, batch, **{SNAPSHOT_KEY_ENV: other})
    assert out == plain[0]
    assert "其 HMAC 不符（写入时所用的不是本存储的密钥）" in err  # the default language's


def test_an_error_reading_it_is_a_miss_named(store: Any) -> None:
    env = _applied(store)
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        db.execute("ALTER TABLE jixiao_facts_snapshots RENAME COLUMN mac TO other")
    expected = _full_fold(env)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert "could not be read" in session.integrity_warnings[0]


def test_without_a_key_none_is_written_or_read(store: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    keyless = {k: v for k, v in store.env.items() if k != SNAPSHOT_KEY_ENV}
    _cli(store, **{SNAPSHOT_KEY_ENV: ""}).ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    assert snapshot_row(store.env) is None
    env = _applied(store)  # the same file again: recorded once, the snapshot written now
    assert snapshot_row(env) is not None
    starts = fold_reads(monkeypatch)
    with Session(keyless) as session:
        assert _state(session.ledger.facts()) == _full_fold(env)
        assert not session.integrity_warnings
    assert starts[0] == 0


def test_a_snapshot_of_other_code_is_folded_afresh_and_replaced(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    set_snapshot(env, code="another version")
    expected = _full_fold(env)
    starts = fold_reads(monkeypatch)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert not session.integrity_warnings
    assert starts[0] == 0
    row = snapshot_row(env)
    assert row is not None
    assert row[2] == facts_snapshot.code_version()  # the session wrote it anew


def test_many_later_events_write_it_again(store: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    env = _applied(store)
    first = snapshot_row(env)
    assert first is not None
    monkeypatch.setattr(facts_snapshot, "REFRESH_EVENTS", 1)
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    again = snapshot_row(env)
    assert again is not None
    assert again[0] > first[0]


def test_snapshots_off_neither_reads_nor_writes_one(store: Any) -> None:
    off = {**store.env, "JIXIAO_SNAPSHOTS": "off"}
    _cli(store, JIXIAO_SNAPSHOTS="off").ok("apply", str(GOLDEN / "example-1/commands.jsonl"))
    assert snapshot_row(off) is None
    env = _applied(store)  # the same file again: recorded once, the snapshot written now
    set_snapshot(env, code="another version")
    with Session(off) as session:
        session.ledger.facts()
    row = snapshot_row(env)
    assert row is not None
    assert row[2] == "another version"


def test_a_body_kept_in_many_pieces_reads_back_whole(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts_snapshot, "PIECE", 997)
    env = _applied(store)
    row = snapshot_row(env)
    assert row is not None
    expected = _full_fold(env)
    starts = fold_reads(monkeypatch)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert not session.integrity_warnings
    assert starts == [row[0]]
    mark = "%s" if store.backend == "postgres" else "?"
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        pieces = db.execute("SELECT count(*) FROM jixiao_facts_snapshots").fetchone()[0]
        db.execute(f"DELETE FROM jixiao_facts_snapshots WHERE piece = {mark}", (pieces // 2,))
    assert pieces > 2
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert "pieces are not one body" in session.integrity_warnings[0]
        with use_language("zh_CN"):
            assert warning_text(session.integrity_warnings[0]).endswith("：其各段不属于同一内容")


def test_an_as_of_read_before_later_events_answers_as_without_it(
        store: Any, tmp_path: Path) -> None:
    """The snapshot is of a prefix of the log: a read as known before the events after it
    (here: before the correction) is cut from the facts' events in order, the same with
    the snapshot as without."""
    env = _applied(store)
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        instant = session.ledger.facts().last_recorded_at
    assert instant is not None
    _cli(store).ok("apply", str(_correction(env, tmp_path)))
    answers = []
    for setting, as_of in (("on", instant), ("off", instant), ("on", None)):
        argv = ["payout", "--period", PERIOD, "--json"]
        argv += ["--as-of", as_of.isoformat()] if as_of else []
        answers.append(_cli(store, JIXIAO_SNAPSHOTS=setting).ok(*argv).out)
    assert answers[0] == answers[1]
    assert answers[0] != answers[2]  # the correction is known now, not then


def _stored(env: dict[str, str], sql: str, *values: Any) -> Any:
    """Run one statement on the events' database as someone who can write it would (the
    events table is `{events}`, the notification id `{id}`); its first row, if any."""
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        return sql_on_store(session.ledger.recorder, sql, *values)


def _pool(env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The pool amounts a session answers, and its warnings (the CLI shows them after the
    session closed, when it may have written the snapshot)."""
    with Session(env) as session:
        amounts = [str(e.amount_cny) for e in session.ledger.facts().live.values()
                   if type(e).__name__ == "PoolDeclared"]
    return amounts, list(session.integrity_warnings)


def test_an_event_edited_only_while_a_session_folds_is_not_signed(store: Any) -> None:
    """Someone who can write the database deletes the snapshot, edits one stored event
    (chain untouched) for as long as one ordinary session folds and closes, then puts it
    back: `verify` is clean again. That session must not have signed its fold of the
    edited event (the MAC would vouch for it to every later session): the rows it folded
    did not hash to the stored chain, so it writes none and says so, and the next session
    answers from the stored events (review of fold-safe, /tmp/review-fold)."""
    env = _applied(store)
    (amount,), warnings = _pool(env)
    assert not warnings
    row = _stored(env, "SELECT {id}, state FROM {events} WHERE topic LIKE ? ORDER BY {id}",
                  "%PoolDeclared")
    position, original = row[0], bytes(row[1])
    assert amount.encode() in original
    _stored(env, "DELETE FROM {snapshots}")
    edited = original.replace(amount.encode(), b"9" + amount.encode()[1:])
    _stored(env, "UPDATE {events} SET state = ? WHERE {id} = ?", edited, position)
    (forged,), warnings = _pool(env)  # any session folding meanwhile (a cron report)
    assert forged != amount
    # kept in English, one text for every reader; worded where shown (warning_text)
    [unwritten] = [w for w in warnings if w.startswith("the facts snapshot was not written")]
    with use_language("zh_CN"):
        chinese = warning_text(unwritten)
    assert chinese.startswith("事实快照未写入：本次读取的事件与哈希链不符（位置 ")
    assert chinese.endswith("…）；请运行 `jixiao verify`")
    with use_language("en"):
        assert warning_text(unwritten) == unwritten
    assert snapshot_row(env) is None
    _stored(env, "UPDATE {events} SET state = ? WHERE {id} = ?", original, position)
    with Session(env) as session:
        assert session.verify_chain_only().findings == ()  # the store verifies clean
    assert _pool(env) == ([amount], [])
    assert snapshot_row(env) is not None  # that session folded the stored events: it signs them
    assert _pool(env) == ([amount], [])


def test_a_piece_grown_past_a_piece_is_not_read_and_every_event_is_folded(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece is read by blob I/O on SQLite and by substr on PostgreSQL: either way no
    more than a piece and a byte, and a piece longer than that is a miss."""
    monkeypatch.setattr(facts_snapshot, "PIECE", 997)
    env = _applied(store)
    assert snapshot_row(env) is not None
    expected = _full_fold(env)
    mark = "%s" if store.backend == "postgres" else "?"
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        grown = db.execute(f"SELECT body FROM jixiao_facts_snapshots WHERE piece = {mark}",
                           (1,)).fetchone()[0]
        db.execute(f"UPDATE jixiao_facts_snapshots SET body = {mark} WHERE piece = {mark}",
                   (bytes(grown) + b"\x00", 1))
    starts = fold_reads(monkeypatch)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert any("piece 1 is larger than 997 bytes" in w
                   for w in session.integrity_warnings), session.integrity_warnings
    assert starts[0] == 0  # folded from the first event


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # SQLite's length() only
def test_a_text_piece_whose_length_hides_its_size_is_read_no_further(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's length() of a text stops at its first NUL: a piece stored as such text
    passes that check, and the blob read's own cap (a piece and a byte) names it."""
    monkeypatch.setattr(facts_snapshot, "PIECE", 997)
    env = _applied(store)
    expected = _full_fold(env)
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        session.view.connection.execute(  # type: ignore[attr-defined]
            "UPDATE jixiao_facts_snapshots SET body = CAST(? AS TEXT) WHERE piece = 1",
            ("a\x00" + "b" * 2000,))
    starts = fold_reads(monkeypatch)
    with Session(env) as session:
        assert _state(session.ledger.facts()) == expected
        assert any("piece 1 is larger than 997 bytes" in w
                   for w in session.integrity_warnings), session.integrity_warnings
    assert starts[0] == 0


def _body_storage(env: dict[str, str]) -> tuple[str, list[tuple[int, int]]]:
    """The body column's storage (pg_attribute.attstorage) and each piece's length beside
    the bytes it takes stored (smaller when compressed)."""
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        storage = db.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = "
                             "to_regclass('jixiao_facts_snapshots') AND attname = 'body'"
                             ).fetchone()[0]
        sizes = db.execute("SELECT length(body), pg_column_size(body) FROM "
                           "jixiao_facts_snapshots ORDER BY piece").fetchall()
    return storage, [(int(length), int(size)) for length, size in sizes]


@pytest.mark.parametrize("store", ["postgres"], indirect=True)  # PostgreSQL's TOAST only
def test_its_body_is_stored_uncompressed_in_a_new_table_and_an_existing_one(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read by every new process, the body is not compressed on the server, which would
    decompress it at each read: so from the table's first write, and on a table made
    before (compressed, as PostgreSQL's default keeps a bytea) from its next write."""
    monkeypatch.setattr(facts_snapshot, "PIECE", 4096)  # pieces large enough to compress
    env = _applied(store)
    storage, sizes = _body_storage(env)
    assert storage == facts_snapshot.STORAGE_EXTERNAL
    assert len(sizes) > 1
    assert all(size >= length for length, size in sizes)  # none compressed
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:  # as a table made before
        db = session.view.connection  # type: ignore[attr-defined]
        db.execute("ALTER TABLE jixiao_facts_snapshots ALTER COLUMN body SET STORAGE EXTENDED")
        db.execute("UPDATE jixiao_facts_snapshots SET body = body || ''::bytea, "
                   "code = 'another version'")  # rewritten: compressed again
    storage, sizes = _body_storage(env)
    assert storage != facts_snapshot.STORAGE_EXTERNAL
    assert all(size < length for length, size in sizes[:-1])
    expected = _full_fold(env)
    with Session(env) as session:  # another version's: folded afresh and written anew
        assert _state(session.ledger.facts()) == expected
    storage, sizes = _body_storage(env)
    assert storage == facts_snapshot.STORAGE_EXTERNAL
    assert all(size >= length for length, size in sizes)
    starts = fold_reads(monkeypatch)
    with Session(env) as session:  # and it serves as before
        assert _state(session.ledger.facts()) == expected
        assert not session.integrity_warnings
    assert starts[0] > 0


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_table_busy_when_its_storage_would_be_set_is_written_all_the_same(
        store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader holding the table (its ALTER would wait, and every reader queue behind
    it): the snapshot is written without the setting, after a wait as short as a read's."""
    monkeypatch.setattr(facts_snapshot, "PIECE", 4096)
    env = _applied(store)
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as session:
        db = session.view.connection  # type: ignore[attr-defined]
        db.execute("ALTER TABLE jixiao_facts_snapshots ALTER COLUMN body SET STORAGE EXTENDED")
        db.execute("UPDATE jixiao_facts_snapshots SET code = 'another version'")
    expected = _full_fold(env)
    with Session({**env, "JIXIAO_SNAPSHOTS": "off"}) as reader:
        db = reader.view.connection  # type: ignore[attr-defined]
        with db.transaction():
            db.execute("LOCK TABLE jixiao_facts_snapshots IN ACCESS SHARE MODE")
            started = time.monotonic()
            with Session(env) as session:
                assert _state(session.ledger.facts()) == expected
            took = time.monotonic() - started
    assert took < 5  # the connection's lock_timeout; the ALTER waits BUSY_TIMEOUT_S
    row = snapshot_row(env)
    assert row is not None
    assert row[2] == facts_snapshot.code_version()  # written anew
    assert _body_storage(env)[0] != facts_snapshot.STORAGE_EXTERNAL  # left for next time

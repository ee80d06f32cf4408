"""A served SQLite ledger moved away while the server runs (api/storage/served.py): the
request that finds it gone writes nothing more through the session it drops. Its fold
was offered as the snapshot of the fold on the way out, written through the session's
old connections into the -wal still at the path; a ledger then copied there (`cp`) was
read with those frames over it, "database disk image is malformed"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from builders import cli_for
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.settings import ServerSettings


def test_a_ledger_found_gone_gets_no_snapshot_written_beside_its_path(
        sqlite_env: dict[str, str], tmp_path: Path) -> None:
    key = tmp_path / "snapshot.key"
    cli = cli_for("sqlite", sqlite_env)
    cli.ok("keys", "snapshot", "--output", str(key))
    env = {**sqlite_env, "JIXIAO_SNAPSHOT_KEY_FILE": str(key)}
    cli.ok("init")
    token = cli.ok("users", "add", "adm", "--name", "A", "--role",
                   "administrator").out.strip()
    other = tmp_path / "other.db"
    cli_for("sqlite", {**sqlite_env, "SQLITE_DBNAME": str(other)}).ok("demo")
    path = Path(sqlite_env["SQLITE_DBNAME"])
    me = {"Authorization": f"Bearer {token}"}
    wal = Path(f"{path}-wal")
    with TestClient(create_app(ServerSettings(store_env=env))) as client:
        assert client.get("/employees", headers=me).status_code == 200  # folds the ledger
        path.rename(tmp_path / "moved.db")
        before = wal.read_bytes()
        assert client.get("/me", headers=me).status_code == 503
        assert wal.read_bytes() == before  # nothing written after it was found gone
        # Another ledger copied to the path, as an administrator might put one back.
        path.write_bytes(other.read_bytes())
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert client.get("/me", headers=me).status_code == 401  # served: knows no adm

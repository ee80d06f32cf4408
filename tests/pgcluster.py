"""Throwaway PostgreSQL clusters for the test suite.

``start_cluster()`` runs ``initdb`` into a fresh temporary directory, starts a
server on 127.0.0.1 with a free port, creates the ``jixiao_test`` database and
returns a :class:`PgServer` plus an idempotent ``stop`` function that shuts the
server down (``pg_ctl stop -m immediate``) and deletes the directory.

The postmaster is started as a direct child process (not daemonised by
``pg_ctl start``) so that this process reaps it on stop: no orphaned or zombie
``postgres`` processes are left for init to collect.

PostgreSQL refuses to run as root, so when this process is root the cluster is
owned by and run as the ``postgres`` OS user (via ``runuser``, else ``su``).

The server binaries (``initdb``, ``pg_ctl``, ``postgres``) are looked up in the
``bin_dir`` argument, ``$JIXIAO_PG_BIN``, ``$PATH`` and finally
``/usr/lib/postgresql/<version>/bin`` (highest version first), which is where
Debian/Ubuntu packages put them.  ``python3 dev.py test`` installs them.

Why not pytest-postgresql (10.0, read for issue 17): its ``postgresql_proc`` starts
the server through ``pg_ctl`` as the current user, which PostgreSQL refuses for
root, so starting the server (initdb, ``runuser``, a free port, readiness,
reaping) has to stay here either way.  What its ``postgresql_noproc`` plus
``factories.postgresql`` would then replace is the per-test isolation, and there
it does not fit: it gives each test a database cloned from a template and a raw
psycopg connection, while these tests hand eventsourcing an environment naming a
schema.  A cloned database costs 319 ms against 0.3 ms for a schema (PostgreSQL 15,
fsync off, measured here), paid by each of the 531 tests run on PostgreSQL and by
every Hypothesis example that opens a fresh store; and the benchmarks (bench/) start
this cluster outside pytest, where fixtures cannot.  So the plugin would add three
packages (with mirakuru and port-for) to save the dozen lines that read
``JIXIAO_TEST_POSTGRES_*`` in conftest.py.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

DBNAME = "jixiao_test"
SUPERUSER = "postgres"
PASSWORD = "postgres"  # auth is "trust"; eventsourcing insists on POSTGRES_PASSWORD anyway
OS_USER = "postgres"  # used only when we are root
START_TIMEOUT = 30.0

__all__ = ["PgClusterError", "PgServer", "find_pg_bin", "start_cluster"]


class PgClusterError(RuntimeError):
    """PostgreSQL could not be found, initialised or started."""


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    def env(self, schema: str) -> dict[str, str]:
        """Environment for an eventsourcing application storing into ``schema``.

        eventsourcing's PostgreSQL datastore does not create the schema; it must
        already exist (``schema`` creates one).
        """
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": schema,
        }

    @contextlib.contextmanager
    def schema(self, prefix: str) -> Iterator[dict[str, str]]:
        """A throwaway schema (created, then dropped with everything in it) and the
        environment of an application storing into it."""
        # Lower-case on purpose: eventsourcing looks its composite type up by the
        # unquoted name "<schema>.stored_event_uuid", so mixed case would break.
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            yield self.env(name)
        finally:
            with self.connect() as conn:
                # Don't hang forever behind a connection a test left in a transaction.
                conn.execute("SET lock_timeout = '10s'")
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(name)))

    def connect(self) -> psycopg.Connection:
        """An autocommit connection to the test database, for admin work."""
        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, dbname=self.dbname,
                               autocommit=True, connect_timeout=10)


# --------------------------------------------------------------------------- binaries


def _has_server_binaries(directory: Path) -> bool:
    return all(
        os.access(directory / name, os.X_OK) and (directory / name).is_file()
        for name in ("initdb", "pg_ctl")
    )


def _version_key(path: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin -> numeric version, e.g. (15,) or (9, 6)
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_pg_bin(bin_dir: str | None = None) -> str | None:
    """Directory holding ``initdb`` and ``pg_ctl``, or None."""
    candidates: list[Path] = []
    if bin_dir:
        candidates.append(Path(bin_dir))
    if os.environ.get("JIXIAO_PG_BIN"):
        candidates.append(Path(os.environ["JIXIAO_PG_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates.extend(
        sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    )
    for candidate in candidates:
        if not _has_server_binaries(candidate):
            continue
        # Prefer the real directory when PATH holds symlinks (e.g. /usr/local/bin).
        real = Path(os.path.realpath(candidate / "initdb")).parent
        return str(real if _has_server_binaries(real) else candidate)
    return None


# --------------------------------------------------------------------------- helpers


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ensure_os_user() -> None:
    import pwd  # noqa: PLC0415 - POSIX only

    try:
        pwd.getpwnam(OS_USER)
        return
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        raise PgClusterError(
            f"running as root, but there is no {OS_USER!r} OS user to run PostgreSQL "
            "as, and no `useradd` to create one"
        )
    proc = subprocess.run(["useradd", "--system", "--no-create-home", OS_USER],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise PgClusterError(
            f"running as root, but could not create the {OS_USER!r} OS user: "
            f"{proc.stderr.strip() or proc.stdout.strip()}"
        )


def _as_server_user(cmd: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return list(cmd)
    if shutil.which("runuser"):
        return ["runuser", "-u", OS_USER, "--", *cmd]
    if shutil.which("su"):
        return ["su", "-s", "/bin/sh", OS_USER, "-c", "exec " + shlex.join(cmd)]
    raise PgClusterError("running as root, but neither `runuser` nor `su` is available")


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    # Make initdb/postgres independent of the caller's (possibly uninstalled) locale.
    for name in ("LANG", "LANGUAGE", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES"):
        env.pop(name, None)
    env["LC_ALL"] = "C"
    # Never let a caller's PG* variables redirect initdb/pg_ctl/postgres.
    for name in list(env):
        if name.startswith("PG"):
            del env[name]
    return env


def _run(cmd: Sequence[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_server_user(cmd), cwd=cwd, env=_server_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return "(no server log)"


def _make_base_dir() -> Path:
    # Short path under /tmp: traversable by the postgres user, and short enough
    # for the unix socket path limit (~107 bytes).
    parent = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
    base = Path(tempfile.mkdtemp(prefix="jixiao-pg-", dir=parent))
    if os.geteuid() == 0:
        import pwd  # noqa: PLC0415

        entry = pwd.getpwnam(OS_USER)
        os.chown(base, entry.pw_uid, entry.pw_gid)
        os.chmod(base, 0o700)
        # Every parent must be searchable by the postgres user.
        for parent_dir in base.parents:
            if not os.stat(parent_dir).st_mode & 0o001:
                shutil.rmtree(base, ignore_errors=True)
                raise PgClusterError(
                    f"{parent_dir} is not traversable by the {OS_USER!r} user; "
                    "set TMPDIR to a world-searchable directory"
                )
    return base


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- cluster


def start_cluster(bin_dir: str | None = None) -> tuple[PgServer, Callable[[], None]]:
    """Start a throwaway cluster; returns the server and an idempotent stop()."""
    found = find_pg_bin(bin_dir)
    if found is None:
        raise PgClusterError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in $JIXIAO_PG_BIN, "
            "$PATH or /usr/lib/postgresql/*/bin"
        )
    pg_bin = Path(found)
    if os.geteuid() == 0:
        _ensure_os_user()

    base = _make_base_dir()
    data_dir = base / "data"
    log_file = base / "server.log"
    lock = threading.Lock()
    children: list[subprocess.Popen[bytes]] = []
    done = False

    def stop() -> None:
        nonlocal done
        with lock:
            if done:
                return
            done = True
        try:
            pid = _postmaster_pid(data_dir)
            if pid is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    _run([str(pg_bin / "pg_ctl"), "stop", "-D", str(data_dir),
                          "-m", "immediate", "-w", "-t", "30"], cwd=base, timeout=60)
            for child in children:  # reap the server (or its runuser/su wrapper)
                if pid is None and child.poll() is None:
                    child.terminate()
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    # pg_ctl failed; this postmaster is ours, so end it the hard way
                    if pid is not None:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    child.kill()
                    child.wait()
        finally:
            shutil.rmtree(base, ignore_errors=True)
            atexit.unregister(stop)

    atexit.register(stop)  # in case the caller never gets to call stop()
    try:
        proc = _run([str(pg_bin / "initdb"), "-D", str(data_dir), "-U", SUPERUSER,
                     "--auth-local=trust", "--auth-host=trust", "--encoding=UTF8",
                     "--locale=C", "--no-sync", "--no-instructions"], cwd=base)
        if proc.returncode != 0:
            raise PgClusterError(
                f"initdb failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        port = _start_server(pg_bin, base, data_dir, log_file, children)
        admin = PgServer("127.0.0.1", port, SUPERUSER, PASSWORD, "postgres")
        with admin.connect() as conn:
            conn.execute(f"ALTER ROLE {SUPERUSER} PASSWORD '{PASSWORD}'")
            conn.execute(f"CREATE DATABASE {DBNAME}")
        return PgServer("127.0.0.1", port, SUPERUSER, PASSWORD, DBNAME), stop
    except BaseException:
        stop()
        raise


def _start_server(
    pg_bin: Path,
    base: Path,
    data_dir: Path,
    log_file: Path,
    children: list[subprocess.Popen[bytes]],
) -> int:
    """Run the postmaster as our own child (so that we, not init, reap it)."""
    conf = data_dir / "postgresql.conf"
    original = conf.read_text()
    for _attempt in range(3):  # retry if someone grabs the port between probe and bind
        port = _free_port()
        conf.write_text(
            original
            + "\n# --- jixiao throwaway test cluster ---\n"
            + "listen_addresses = '127.0.0.1'\n"
            + f"port = {port}\n"
            + f"unix_socket_directories = '{base}'\n"
            + "fsync = off\n"
            + "synchronous_commit = off\n"
            + "full_page_writes = off\n"
            # eventsourcing opens a pool of 5 connections per application
            + "max_connections = 200\n"
            + "logging_collector = off\n"
        )
        with open(log_file, "ab") as log:
            # A new session keeps Ctrl-C away from the server; stop() shuts it down.
            child = subprocess.Popen(
                _as_server_user([str(pg_bin / "postgres"), "-D", str(data_dir)]), cwd=base,
                env=_server_env(), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        children.append(child)
        error = _wait_until_ready(port, child, log_file)
        if error is None:
            return port
        # Retry only if the server exited because the port was taken; otherwise
        # give up (stop() shuts down a server that is still running).
        if child.poll() is None or "already in use" not in error:
            break
    raise PgClusterError(
        f"PostgreSQL did not start: {error}\n--- server log ---\n{_read(log_file)}"
    )


def _wait_until_ready(port: int, child: subprocess.Popen[bytes], log_file: Path) -> str | None:
    """None once the server accepts connections, else a description of the failure."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if child.poll() is not None:
            return f"the server exited with status {child.returncode}: {_read(log_file)[-500:]}"
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=SUPERUSER,
                                 dbname="postgres", connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return None
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                return f"no connection within {START_TIMEOUT:.0f}s: {exc}"
            time.sleep(0.05)

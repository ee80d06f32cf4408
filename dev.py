#!/usr/bin/env python3
"""Developer bootstrap for jixiao (standard library only, Python >= 3.11).

    python3 dev.py setup                 create .venv and install '.[test]' into it
    python3 dev.py test [pytest args]    setup, run ruff and mypy, make sure PostgreSQL is
                                         available, run pytest (one worker per core;
                                         JIXIAO_TEST_WORKERS=0 for one process); fails if
                                         any of them fails
    python3 dev.py demo [args]           setup, run `jixiao demo --db ./jixiao-demo.db [args]`
    python3 dev.py serve [args]          setup, run `jixiao serve [args]`
    python3 dev.py wheelhouse [DIR]      build wheels of jixiao and every dependency into DIR
                                         (default ./wheelhouse) for an offline install
                                         (docs/deploy.md)

`setup` re-installs only when pyproject.toml changed since the last install
(a hash of it is kept in .venv/.jixiao-install-stamp) or the checkout moved.

`test` needs the PostgreSQL server binaries (initdb, pg_ctl): it looks on PATH
and in /usr/lib/postgresql/*/bin, and when running as root on Debian/Ubuntu
installs the `postgresql` package with apt-get if they are missing.  The tests
start their own throwaway cluster (tests/pgcluster.py); nothing else is needed.
The browser tests need Debian's `chromium` and `fonts-noto-cjk`, which `test` installs
the same way (ensure_browser); Playwright never downloads a browser of its own.
"""
# ruff: noqa: S603, S607  (this script's whole job is running fixed, trusted commands)

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
VENV_PYTHON = VENV_BIN / "python"
STAMP = VENV / ".jixiao-install-stamp"
PYPROJECT = ROOT / "pyproject.toml"
DEMO_DB = "./jixiao-demo.db"


def log(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def die(message: str, code: int = 1) -> NoReturn:
    log(message)
    raise SystemExit(code)


def quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    env.setdefault("PIP_NO_INPUT", "1")
    env.pop("PYTHONHOME", None)
    return env


# ----------------------------------------------------------------------------- setup


def venv_usable() -> bool:
    if not VENV_PYTHON.exists():  # also False for a dangling symlink (base python gone)
        return False
    probe = subprocess.run(
        [str(VENV_PYTHON), "-c", "import sys, pip; assert sys.version_info >= (3, 11)"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def create_venv() -> None:
    log("creating .venv")
    cmd = [sys.executable, "-m", "venv", "--clear", str(VENV)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 and "ensurepip" in (proc.stdout + proc.stderr):
        # Debian/Ubuntu ship venv's pip bootstrap separately (python3-venv).
        if is_root() and shutil.which("apt-get"):
            ver = f"{sys.version_info.major}.{sys.version_info.minor}"
            log(f"installing python{ver}-venv from Debian packages")
            apt_install([f"python{ver}-venv"], fallback=["python3-venv"])
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        die(
            "could not create .venv with `python3 -m venv` "
            "(on Debian/Ubuntu: apt-get install python3-venv)"
        )


def pyproject_hash() -> str:
    # The repo location is included so that a moved/copied checkout re-installs
    # (an editable install points at the directory it was installed from).
    digest = hashlib.sha256(PYPROJECT.read_bytes())
    digest.update(b"\0" + str(ROOT).encode())
    return digest.hexdigest()


def setup() -> None:
    if not venv_usable():
        create_venv()
    wanted = pyproject_hash()
    try:
        if STAMP.read_text().strip() == wanted:
            return
    except OSError:
        pass
    log("installing")
    proc = subprocess.run(
        [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "-e", ".[test]"],
        cwd=ROOT,
        env=quiet_env(),
        check=False,
    )
    if proc.returncode != 0:
        STAMP.unlink(missing_ok=True)
        die(f"`pip install -e '.[test]'` failed (exit {proc.returncode})", proc.returncode)
    STAMP.write_text(wanted + "\n")


# ------------------------------------------------------------------------ PostgreSQL


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_server_binaries(directory: Path) -> bool:
    return all(
        (directory / name).is_file() and os.access(directory / name, os.X_OK)
        for name in ("initdb", "pg_ctl")
    )


def find_pg_bin() -> Path | None:
    """Same search as tests/pgcluster.py: $JIXIAO_PG_BIN, PATH, /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    if os.environ.get("JIXIAO_PG_BIN"):
        candidates.append(Path(os.environ["JIXIAO_PG_BIN"]))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for candidate in candidates:
        if has_server_binaries(candidate):
            real = Path(os.path.realpath(candidate / "initdb")).parent
            return real if has_server_binaries(real) else candidate
    return None


def apt_install(packages: list[str], fallback: list[str] | None = None) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], env=env, check=False)
    for attempt in (packages, fallback):
        if not attempt:
            continue
        cmd = ["apt-get", "install", "-y", "--no-install-recommends", *attempt]
        if subprocess.run(cmd, env=env, check=False).returncode == 0:
            return True
    return False


def online_clusters() -> set[tuple[str, str]]:
    """Debian (postgresql-common) clusters that are running, as (version, name)."""
    if not shutil.which("pg_lsclusters"):
        return set()
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    )
    # Ver Cluster Port Status Owner Data-directory Log-file
    return {
        (fields[0], fields[1])
        for fields in (line.split() for line in listing.stdout.splitlines())
        if len(fields) >= 4 and fields[3] == "online"
    }


def ensure_postgres() -> Path | None:
    found = find_pg_bin()
    if found is not None:
        return found
    if os.environ.get("JIXIAO_TEST_POSTGRES_HOST"):
        return None  # the tests will use that server instead of a throwaway cluster
    if is_root() and shutil.which("apt-get"):
        log("installing PostgreSQL from Debian packages")
        before = online_clusters()
        installed = apt_install(["postgresql"])
        # Debian's postinst may create and start a "main" cluster; the tests
        # start their own, so stop any cluster that the installation started.
        for version, name in sorted(online_clusters() - before):
            log(f"stopping the PostgreSQL cluster {version}/{name} started by the package")
            subprocess.run(["pg_ctlcluster", version, name, "stop"], check=False)
        found = find_pg_bin()
        if found is None:
            outcome = "succeeded, yet initdb/pg_ctl are still missing" if installed else "failed"
            die(
                f"`apt-get install postgresql` {outcome}; point JIXIAO_PG_BIN at the "
                "directory holding initdb and pg_ctl."
            )
        return found
    die(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
        "/usr/lib/postgresql/*/bin. Install the PostgreSQL server (Debian/Ubuntu: "
        "`sudo apt-get install postgresql`, or re-run this as root and dev.py installs it), "
        "or point JIXIAO_PG_BIN at the directory holding initdb and pg_ctl."
    )


# ----------------------------------------------------------------------- subprocesses


def run_child(cmd: list[str], env: dict[str, str]) -> int:
    """Run cmd in the repo root; let it handle Ctrl-C itself so pytest can tear down."""
    try:
        child = subprocess.Popen(cmd, cwd=ROOT, env=env)
    except FileNotFoundError:
        die(f"{cmd[0]} not found")
    # The terminal delivers Ctrl-C to the child too; just wait for it to finish.
    previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # On SIGTERM (e.g. a cancelled CI job) ask the child for a graceful stop.
    previous_term = signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGINT))
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)


# The static checks `test` runs before pytest, configured in pyproject.toml ([tool.ruff],
# [tool.mypy] names the files), with the versions pinned in the test extras.  The
# pre-commit hooks (.pre-commit-config.yaml) run the same two commands.
LINTERS = (
    ("ruff", ["ruff", "check", "."]),
    ("mypy", ["mypy"]),
)


def run_linters(env: dict[str, str]) -> list[str]:
    """Names of the linters that failed; each prints its own findings."""
    failed = []
    for name, (tool, *tool_args) in LINTERS:
        log(f"running `{' '.join([tool, *tool_args])}`")
        if run_child([str(VENV_BIN / tool), *tool_args], env) != 0:
            log(f"{name} failed (see its findings above)")
            failed.append(name)
    return failed


# pytest-xdist options `test` adds unless the developer chose otherwise: one worker per
# core (each starts its own throwaway PostgreSQL cluster, tests/conftest.py), and whole
# files to a worker so the module-scoped fixtures (a seeded server, a demo ledger copy)
# are built once per file, not once per worker.  JIXIAO_TEST_WORKERS=N sets the count
# (0 runs in this one process); an explicit -n/--numprocesses/--dist, `-p no:xdist`,
# --pdb or --trace in the pytest arguments wins.
PARALLEL = ("-n", "auto", "--dist", "loadfile")
SERIAL_FLAGS = ("-n", "--numprocesses", "--dist", "no:xdist", "--pdb", "--trace")


def parallel_args(args: list[str]) -> list[str]:
    if any(arg.startswith(SERIAL_FLAGS) for arg in args):
        return []
    workers = os.environ.get("JIXIAO_TEST_WORKERS", "").strip() or PARALLEL[1]
    if workers == "0":
        return []
    return [PARALLEL[0], workers, *PARALLEL[2:]]


def cmd_test(args: list[str]) -> int:
    setup()
    env = quiet_env()
    env["PYTHONUNBUFFERED"] = "1"  # interleave output properly in CI logs
    env["PYTHONFAULTHANDLER"] = "1"  # tracebacks on hard crashes / hangs killed by signal
    failed = run_linters(env)
    ensure_document_tools()
    ensure_browser()
    pg_bin = ensure_postgres()
    if pg_bin is not None:
        env["JIXIAO_PG_BIN"] = str(pg_bin)
    # pytest runs even after a linter failed, so one CI run reports everything at once.
    code = run_child([str(VENV_PYTHON), "-m", "pytest", *parallel_args(args), *args], env)
    if code == 5:
        log("pytest collected no tests; treating that as a failure")
    if code != 0:
        failed.append("pytest")
    if failed:
        log(f"FAILED: {', '.join(failed)}")
        if code < 0:  # pytest ended by a signal: report it the way a shell does
            return 128 - code
        return code if code not in (0, 5) else 1
    return 0


def run_jixiao(args: list[str]) -> int:
    setup()
    script = VENV_BIN / "jixiao"
    if not script.exists():
        die(f"{script} does not exist (is [project.scripts] jixiao in pyproject.toml?)")
    return run_child([str(script), *args], quiet_env())


# What the PDFs need from Debian: a CJK font fpdf2 can embed (api/documents/fonts.py) and
# poppler's pdftotext/pdftoppm, to read and look at the documents.
DOCUMENT_PACKAGES = (
    ("fonts-wqy-zenhei", Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
    ("poppler-utils", Path("/usr/bin/pdftotext")),
)


def ensure_packages(packages: tuple[tuple[str, Path], ...], needed_for: str) -> None:
    """Install the Debian packages whose marker file is missing (as root, with apt-get)."""
    missing = [name for name, path in packages if not path.exists()]
    if not missing:
        return
    if is_root() and shutil.which("apt-get"):
        log(f"installing {', '.join(missing)} from Debian packages")
        if apt_install(missing):
            return
    log(f"missing {', '.join(missing)}: {needed_for} "
        f"(Debian/Ubuntu: `sudo apt-get install {' '.join(missing)}`)")


def ensure_document_tools() -> None:
    ensure_packages(DOCUMENT_PACKAGES, "PDF exports need them")


# The browser tests (Playwright for Python) drive Debian's chromium by its path, never a
# browser Playwright downloads; fonts-noto-cjk so that Chinese pages render in screenshots.
BROWSER_PACKAGES = (
    ("chromium", Path("/usr/bin/chromium")),
    ("fonts-noto-cjk", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")),
)


def ensure_browser() -> None:
    ensure_packages(BROWSER_PACKAGES, "the browser tests fail without them")


def cmd_setup(args: list[str]) -> int:
    if args:
        die("setup takes no arguments", 2)
    setup()
    ensure_document_tools()
    return 0


def cmd_wheelhouse(args: list[str]) -> int:
    """The package and everything it needs at run time as wheels in one folder, to carry
    to a server without internet and install there with `pip install --no-index`."""
    if len(args) > 1:
        die("wheelhouse takes at most one argument, the folder", 2)
    setup()
    target = Path(args[0] if args else "wheelhouse").resolve()
    target.mkdir(parents=True, exist_ok=True)
    log(f"building wheels into {target}")
    code = run_child([str(VENV_PYTHON), "-m", "pip", "wheel", "--wheel-dir", str(target),
                      str(ROOT)], quiet_env())
    if code == 0:
        log(f"done: {len(list(target.glob('*.whl')))} wheels in {target}")
    return code


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "wheelhouse": cmd_wheelhouse,
    "setup": cmd_setup,
    "test": cmd_test,
    "demo": lambda args: run_jixiao(["demo", "--db", DEMO_DB, *args]),
    "serve": lambda args: run_jixiao(["serve", *args]),
}


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):
        die(f"Python >= 3.11 is required (this is {sys.version.split()[0]})")
    if not argv or argv[0] not in COMMANDS:
        print((__doc__ or "").strip(), file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)

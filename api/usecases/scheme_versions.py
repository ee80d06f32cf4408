"""The versions of the shipped schemes, locked (docs/schemes-versioning.md).

An adopted version is immutable: a ledger stores the whole document it adopted and its
statements cite that document's SHA-256, so the same `id@version` must always mean the
same content. `domain/schemes/versions.lock.json` records the SHA-256 of every version
ever shipped (the canonical form, so comments and layout may change, content may not);
a test fails when a shipped file's version is locked with another hash (edited in place),
skips a number, or is not locked yet. Lock a new version with

    python -m api.usecases.scheme_versions

which adds the versions not locked yet and refuses, naming them, to change a locked one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

from api.i18n import from_environment, use_language
from api.i18n.messages import translate
from domain.scheme_kinds import parse_scheme
from domain.shipped_schemes import load_shipped_scheme, shipped_scheme_names

LOCK_FILE = Path(__file__).resolve().parents[2] / "domain" / "schemes" / "versions.lock.json"
# English message ids; their Chinese are templates of api/i18n/error_templates.py, worded
# when main() prints them (JIXIAO_LANG)
EDITED = ("{key}: a released version was edited in place; a change of content is a new "
          "version, version {version}")
NEXT_NUMBER = "{key}: the next version is {version}"
NOT_LOCKED = ("{key}: the new version is not locked yet: python -m "
              "api.usecases.scheme_versions")
LATER_LOCKED = "{key}: a later version is locked, version {version}; ship the newest"


def shipped_versions() -> dict[str, str]:
    """`id@version` → SHA-256 of every shipped scheme file."""
    found = {}
    for name in shipped_scheme_names():
        scheme = parse_scheme(load_shipped_scheme(name))
        found[scheme.key] = scheme.sha256
    return found


def read_lock(path: Path = LOCK_FILE) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data["versions"])


def lock_problems(locked: Mapping[str, str], shipped: Mapping[str, str]) -> list[str]:
    """Why the shipped versions break the lock: a locked version edited in place, a
    version not locked yet, a number skipped or gone back to."""
    problems = []
    newest: dict[str, int] = {}
    for key in locked:
        scheme_id, version = key.rsplit("@", 1)
        newest[scheme_id] = max(newest.get(scheme_id, 0), int(version))
    for key, digest in sorted(shipped.items()):
        scheme_id, version = key.rsplit("@", 1)
        if key in locked and locked[key] != digest:
            problems.append(EDITED.format(key=key, version=newest[scheme_id] + 1))
        elif key not in locked:
            expected = newest.get(scheme_id, 0) + 1
            if int(version) != expected:
                problems.append(NEXT_NUMBER.format(key=key, version=expected))
            else:
                problems.append(NOT_LOCKED.format(key=key))
        elif int(version) != newest[scheme_id]:
            problems.append(LATER_LOCKED.format(key=key, version=newest[scheme_id]))
    return problems


def locked_with(locked: Mapping[str, str], shipped: Mapping[str, str]) -> dict[str, str]:
    """The lock with the shipped versions not in it yet added; locked ones never change."""
    return dict(sorted({**shipped, **locked}.items()))


def lock_text(versions: Mapping[str, str]) -> str:
    return json.dumps({"versions": dict(sorted(versions.items()))}, indent=1,
                      ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    locked = read_lock() if LOCK_FILE.exists() else {}
    shipped = shipped_versions()
    edited = [p for p in lock_problems(locked, shipped) if "not locked yet" not in p]
    if edited:
        with use_language(from_environment()):
            print("\n".join(translate(p) for p in edited), file=sys.stderr)
        return 1
    LOCK_FILE.write_text(lock_text(locked_with(locked, shipped)), encoding="utf-8")
    print(f"{LOCK_FILE}: {len(locked_with(locked, shipped))} versions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

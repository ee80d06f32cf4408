#!/usr/bin/env python3
"""Fetch the pages' and the API docs' front-end files from their npm packages (issue 12).

    python3 scripts/vendor_static.py            download, verify, write (run from anywhere)
    python3 scripts/vendor_static.py --check    verify the committed files only (no network)

Every file is pinned by package version and SHA-256 below; a download that differs is
refused and nothing is written. The files land with their licence files under
api/web/static/vendor/<package>/ and are committed, so a server on an intranet never
loads a script from the internet. To upgrade: change a version, run the script, read the
mismatch it reports, review the new file and update its checksum here.

Standard library only: it runs before any virtual environment exists.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "api" / "web" / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    files: dict[str, str]  # path inside the tarball's package/ → SHA-256 of its bytes

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


# htmx stays on the 2.x line: its config (allowEval, includeIndicatorStyles) is what the
# pages' content-security policy relies on. Redoc stays on 2.x, the line FastAPI targets.
PACKAGES = (
    Package("htmx.org", "2.0.11", {
        "dist/htmx.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
        "LICENSE": "d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38",
    }),
    Package("echarts", "6.1.0", {
        "dist/echarts.min.js": "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0",
        "LICENSE": "634293835b43a6dd2094fa39182a3d9a6b9ca43b7fdb9ac354e8037af2a3093a",
        "NOTICE": "d491d358344f842685c1b1585970999db65fe30ecf7ef3867af8814f4016c016",
        "licenses/LICENSE-d3": "e1211892da0b0e0585b7aebe8f98c1274fba15bafe47fa1f4ee8a7a502c06304",
    }),
    Package("swagger-ui-dist", "5.35.0", {
        "swagger-ui-bundle.js":
            "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2",
        "swagger-ui-bundle.js.LICENSE.txt":
            "37eb6e7e59aed57b2c1acf076574b818ea07b74265717e0bd67b59e0baf9abbb",
        "swagger-ui.css": "5ed08757e53da3e026d6cbecc61fe5d43585c9560b302d534ad56692519a273d",
        "favicon-32x32.png": "3ed612f41e050ca5e7000cad6f1cbe7e7da39f65fca99c02e99e6591056e5837",
        "LICENSE": "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30",
        "NOTICE": "0d20d1adef18aee3f40dd258172155521ce702ac445cb5f7b7d60ed32dad2fb2",
    }),
    Package("redoc", "2.5.4", {
        "bundles/redoc.standalone.js":
            "dcaf76612bc4a3fbcc923a8966dee2f6146a5f32e5ce1b6f02dd60cbbf89500b",
        "bundles/redoc.standalone.js.LICENSE.txt":
            "eed602ec32e00b2b9df1984fbcc26a687b1b3193ec01961389c4b8439e6edf73",
        "LICENSE": "d3026d549cf68ab7355bcfa85877bf8f845b3334a7efbfdc63936432fb34ff0e",
    }),
)


def target(package: Package, member: str) -> Path:
    """Where a pinned file lives: flat under vendor/<package>/, licence paths kept apart."""
    return VENDOR / package.name / Path(member).name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download(package: Package) -> dict[str, bytes]:
    # The URL is built from REGISTRY (https) and the pinned names above, never from input.
    request = urllib.request.Request(package.tarball, headers={"User-Agent": "jixiao-vendor"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        archive = response.read()
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member, _digest in package.files.items():
            handle = tar.extractfile(f"package/{member}")
            if handle is None:
                raise SystemExit(f"{package.name}@{package.version}: no package/{member}")
            found[member] = handle.read()
    return found


def mismatches(package: Package, contents: dict[str, bytes]) -> list[str]:
    return [
        f"{package.name}@{package.version} {member}: sha256 {sha256(data)}, pinned {pinned}"
        for member, pinned in package.files.items()
        if sha256(data := contents[member]) != pinned
    ]


def committed(package: Package) -> dict[str, bytes]:
    return {m: target(package, m).read_bytes() if target(package, m).exists() else b""
            for m in package.files}


def main(argv: list[str]) -> int:
    check_only = argv == ["--check"]
    if argv and not check_only:
        print(__doc__, file=sys.stderr)
        return 2
    fetched = {p.name: (committed(p) if check_only else download(p)) for p in PACKAGES}
    problems = [line for p in PACKAGES for line in mismatches(p, fetched[p.name])]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if not check_only:
        for package in PACKAGES:
            for member, data in fetched[package.name].items():
                path = target(package, member)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    verb = "verified" if check_only else "wrote"
    for package in PACKAGES:
        print(f"{verb} {package.name}@{package.version}: {', '.join(package.files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

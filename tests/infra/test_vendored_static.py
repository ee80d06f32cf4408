"""The committed front-end files are exactly the pinned ones (scripts/vendor_static.py);
no network: this reads only what is in the checkout."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_vendor_script() -> ModuleType:
    script = ROOT / "scripts" / "vendor_static.py"
    spec = importlib.util.spec_from_file_location("vendor_static", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


VENDOR = load_vendor_script()
PINNED = [(package, member, digest) for package in VENDOR.PACKAGES
          for member, digest in package.files.items()]


@pytest.mark.parametrize(("package", "member", "digest"), PINNED,
                         ids=[f"{p.name}/{m}" for p, m, _ in PINNED])
def test_each_committed_file_matches_its_pinned_checksum(package, member, digest) -> None:
    path = VENDOR.target(package, member)
    assert path.is_relative_to(ROOT / "api" / "web" / "static" / "vendor")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_every_package_ships_its_licence() -> None:
    for package in VENDOR.PACKAGES:
        assert "LICENSE" in package.files, package.name
        assert VENDOR.target(package, "LICENSE").stat().st_size > 0


def test_nothing_unpinned_lies_in_the_vendor_folder() -> None:
    pinned = {VENDOR.target(p, m) for p, m, _ in PINNED}
    present = {path for path in VENDOR.VENDOR.rglob("*") if path.is_file()}
    assert present == pinned


def test_the_check_mode_reports_a_tampered_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(VENDOR, "VENDOR", tmp_path)
    assert VENDOR.main(["--check"]) == 1

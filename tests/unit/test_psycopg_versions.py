"""psycopg's version strings are read without importlib.metadata where they can be
(api/storage/psycopg_versions.py), and left to psycopg's own modules where not."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from api.storage.psycopg_versions import VERSION_MODULES, distribution_version

ROOT = Path(__file__).resolve().parents[2]


def _distribution(folder: Path, name: str, version: str, suffix: str = "dist-info") -> None:
    info = folder / f"{name}-{version}.{suffix}"
    info.mkdir(parents=True)
    (info / ("METADATA" if suffix == "dist-info" else "PKG-INFO")).write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nVersion: 9.9\n")


@pytest.mark.parametrize("name", [name for _, name in VERSION_MODULES])
def test_it_agrees_with_importlib_metadata_on_this_python(name: str) -> None:
    assert distribution_version(name) == importlib.metadata.version(name)


def test_the_first_folder_with_the_distribution_names_its_version(tmp_path: Path) -> None:
    _distribution(tmp_path / "b", "psycopg_pool", "3.0.1")
    _distribution(tmp_path / "c", "psycopg_pool", "3.0.2")
    (tmp_path / "a").mkdir()
    folders = [str(tmp_path / name) for name in ("missing", "a", "b", "c")]
    assert distribution_version("psycopg-pool", folders) == "3.0.1"
    assert distribution_version("psycopg", folders) is None  # not there: psycopg's own module


@pytest.mark.parametrize("case", ["two", "egg-info", "zip", "no-field"])
def test_what_it_might_read_otherwise_is_left_to_psycopg(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    if case == "two":
        _distribution(folder, "psycopg", "3.1")
        _distribution(folder, "psycopg", "3.2")
    elif case == "egg-info":
        _distribution(folder, "psycopg", "3.1", "egg-info")
    elif case == "zip":
        (tmp_path / "packages.zip").write_bytes(b"PK")
        folder = tmp_path / "packages.zip"
    else:
        (folder / "psycopg-3.1.dist-info").mkdir()
        (folder / "psycopg-3.1.dist-info" / "METADATA").write_text("Name: psycopg\n\n")
    assert distribution_version("psycopg", [str(folder)]) is None


def test_a_new_process_imports_psycopg_without_importlib_metadata() -> None:
    probe = ("import sys\nfrom api.storage import psycopg_versions\npsycopg_versions.install()\n"
             "import psycopg, psycopg_pool, psycopg._cmodule as binary\n"
             "assert 'importlib.metadata' not in sys.modules, 'metadata imported'\n"
             "print(psycopg.__version__, psycopg_pool.__version__, binary.__version__)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [importlib.metadata.version(name)
                                   for name in ("psycopg", "psycopg-pool", "psycopg-binary")]

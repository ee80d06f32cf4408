"""pydantic's plugins are found without importlib.metadata when none is installed
(api/plugin_discovery.py), and by pydantic's own loader when one may be."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

from api.plugin_discovery import may_declare_plugins

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = '''
class Plugin:
    def new_schema_validator(self, *args, **kwargs):
        print("plugin asked", flush=True)
        return None, None, None

plugin = Plugin()
'''
PROBE = '''
import sys
from api.plugin_discovery import install
install()
from pydantic import BaseModel
class Pay(BaseModel):
    cny: int
assert Pay(cny=1).cny == 1
print("metadata imported" if "importlib.metadata" in sys.modules else "no metadata")
'''


def _distribution(folder: Path, name: str, entry_points: str | None) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_it_agrees_with_importlib_metadata_on_this_python() -> None:
    installed = importlib.metadata.entry_points(group="pydantic")
    assert may_declare_plugins() or not installed


def test_a_folder_without_a_pydantic_entry_point_declares_none(tmp_path: Path) -> None:
    _distribution(tmp_path, "tool", "[console_scripts]\ntool = tool:main\n")
    _distribution(tmp_path, "bare", None)
    (tmp_path / "module.py").write_text("")
    assert not may_declare_plugins([str(tmp_path), str(tmp_path / "missing")])


def test_a_pydantic_entry_point_is_found(tmp_path: Path) -> None:
    _distribution(tmp_path, "plug", "[console_scripts]\nx = y:z\n\n[pydantic]\np = plug:p\n")
    assert may_declare_plugins([str(tmp_path)])


def test_a_zip_or_an_egg_on_the_path_is_left_to_pydantic(tmp_path: Path) -> None:
    (tmp_path / "lib.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (tmp_path / "old.egg").mkdir()
    assert may_declare_plugins([str(tmp_path / "lib.zip")])
    assert may_declare_plugins([str(tmp_path / "old.egg")])


def _probe(path: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": path})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_without_plugins_a_schema_is_built_without_importlib_metadata() -> None:
    assert _probe(str(ROOT)) == "no metadata\n"


def test_an_installed_plugin_is_still_asked(tmp_path: Path) -> None:
    _distribution(tmp_path, "plug", "[pydantic]\nplug = plug_module:plugin\n")
    (tmp_path / "plug_module.py").write_text(PLUGIN)
    assert _probe(f"{ROOT}{os.pathsep}{tmp_path}") == "plugin asked\nmetadata imported\n"


def test_the_path_is_read_once_a_process() -> None:
    done = subprocess.run([sys.executable, "-c", '''
import api.plugin_discovery as discovery
reads = []
real = discovery.may_declare_plugins
discovery.may_declare_plugins = lambda: reads.append(1) or real()
discovery.install()
from pydantic import BaseModel, TypeAdapter
class Pay(BaseModel):
    cny: int
TypeAdapter(int).validate_python(1)
assert Pay(cny=1).cny == 1
print(len(reads))
'''], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, "1\n"), done.stderr


def test_any_other_name_of_the_loader_comes_from_pydantics_own() -> None:
    probe = ("import sys\nfrom api.plugin_discovery import install\ninstall()\n"
             "from pydantic.plugin._loader import get_plugins, _plugins\n"
             "import pydantic.plugin._loader as real\n"
             "assert real.get_plugins is not get_plugins, 'still the stand-in'\n"
             "print('real loader')\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.stdout == "real loader\n", done.stderr


def test_a_ledger_opened_by_a_shell_checks_its_first_batch_without_importlib_metadata(
        tmp_path: Path) -> None:
    # open_ledger installs the stand-in: the first batch builds the checkers' schemas.
    probe = f'''
import sys
from api.storage.session import open_ledger
ledger = open_ledger({{"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                      "SQLITE_DBNAME": {str(tmp_path / "ledger.db")!r}}})
rows = [("row 1", {{"type": "define_department", "department_id": "internal",
                   "name": "内科", "kind": "clinical", "risk_coefficient": "1",
                   "effective_on": "2026-01-01"}})]
ledger.record(ledger.parse_commands(rows), "tester")
ledger.close()
print("metadata imported" if "importlib.metadata" in sys.modules else "no metadata")
'''
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout == "no metadata\n", done.stderr

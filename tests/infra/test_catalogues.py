"""The message catalogues (scripts/i18n.py): each committed .mo is the compile of its .po,
and every text marked in the code has a Chinese translation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = load_script()
CATALOGUES = sorted(SCRIPT.LOCALE.glob("*/LC_MESSAGES/*.po"))


def test_there_are_catalogues_for_the_cli_and_the_api() -> None:
    domains = {po.stem for po in CATALOGUES if po.parent.parent.name == "zh_CN"}
    assert {"cli", "api"} <= domains


@pytest.mark.parametrize("po", CATALOGUES, ids=[str(p.relative_to(ROOT)) for p in CATALOGUES])
def test_each_committed_mo_is_the_compile_of_its_po(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"run `.venv/bin/python scripts/i18n.py compile` for {po}"
    assert mo.read_bytes() == SCRIPT.compiled(po, po.parent.parent.name, po.stem), (
        f"{mo} is stale: run `.venv/bin/python scripts/i18n.py compile`")


@pytest.mark.parametrize("domain", sorted(SCRIPT.DOMAINS))
def test_every_marked_text_has_a_chinese_translation(domain: str) -> None:
    assert SCRIPT.untranslated(domain) == []


def test_the_extractor_finds_texts_marked_in_the_code() -> None:
    found = {message.id for message in SCRIPT.extract("cli") if message.id}
    assert "Reconciliation {period} ({name})" in found
    assert len(found) > 50


def test_an_untranslated_text_is_reported(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "api" / "cli" / "new.py"
    module.parent.mkdir(parents=True)
    module.write_text('from api.i18n import _\nTEXT = _("a text nobody translated")\n')
    monkeypatch.setattr(SCRIPT, "ROOT", tmp_path)
    assert SCRIPT.untranslated("cli") == ["zh_CN cli: 'a text nobody translated'"]

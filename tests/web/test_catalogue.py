"""The web pages' catalogue: every text the templates translate has a Chinese
translation in web.po, and the committed web.mo is compiled from the committed web.po."""

from __future__ import annotations

import web_catalogue as catalogue


def test_every_page_text_has_a_chinese_translation() -> None:
    translated = {m.id: m.string for m in catalogue.read() if m.id}
    missing = [m for m in catalogue.msgids() if not translated.get(m)]
    assert not missing, f"untranslated in web.po (python tests/web/web_catalogue.py): {missing}"


def test_the_compiled_catalogue_is_current() -> None:
    assert catalogue.MO.read_bytes() == catalogue.compiled(catalogue.read()), (
        "web.mo is not web.po compiled: run python tests/web/web_catalogue.py")

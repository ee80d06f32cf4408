#!/usr/bin/env python3
"""The message catalogues (api/i18n): find the texts, merge them into the .po files,
compile the .mo files that the package loads. Run with the project's virtualenv:

    .venv/bin/python scripts/i18n.py extract    write api/i18n/locale/<domain>.pot
    .venv/bin/python scripts/i18n.py update     extract, then merge into every <lang>/.po
    .venv/bin/python scripts/i18n.py compile    every .po → its .mo (commit both)
    .venv/bin/python scripts/i18n.py check      exit 1 if a text lacks a translation

Workflow: mark a text with `_()` (or `N_()` where it is defined before the language is
known; `NP_("context", …)` where one English word has two meanings across areas, as
the explanation tree's units do), `update`, translate the new empty entries in the zh_CN
.po, `compile`. A message id is the English text; the English "catalogue" is the ids
themselves.

One domain per area, so parallel work on the CLI, the API and the pages edits different
files: DOMAINS below maps each to the files it is extracted from (babel's Python
extractor; Jinja2's own babel extractor for the templates).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "api" / "i18n" / "locale"
TRANSLATED = ("zh_CN",)  # English needs no catalogue: the ids are English
PROJECT = "jixiao"
# A fixed date keeps regenerated files identical when no text changed.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
JINJA = "jinja2.ext:babel_extract"
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}

# domain → (extraction method, glob patterns relative to the repository root)
DOMAINS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "cli": (("python", ("api/cli/**/*.py", "api/cli_launch.py", "api/render_text.py")),),
    # The API's texts and those every shell shares: error messages, formats.
    "api": (("python", ("api/http/**/*.py", "api/i18n/*.py", "api/sheets/marking.py",
                        "api/sheets/text.py")),),
    "web": (("python", ("api/web/**/*.py",)),
            (JINJA, ("api/web/templates/**/*.html",))),
    # The CLI's --help: every help text of the command tree, found by walking it
    # (api/cli/help_language.py), as typer keeps them (docstrings and help= alike).
    "clihelp": (("cli-tree", ("api.cli",)),),
    # The explanation tree's labels, units and formulas, shown by the CLI and the pages.
    "figures": (("python", ("api/i18n/figures/*.py",)),),
}
# NP_(context, text): a text marked with its message context (api/i18n/figures).
KEYWORDS = {**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2)}


def sources(domain: str) -> Iterator[tuple[str, Path]]:
    for method, patterns in DOMAINS[domain]:
        if method == "cli-tree":
            yield method, ROOT  # no files: the tree is walked
            continue
        for pattern in patterns:
            for path in sorted(ROOT.glob(pattern)):
                yield method, path


def extract(domain: str) -> Catalog:
    """Every marked text of a domain's files, with where it occurs."""
    catalog = Catalog(project=PROJECT, domain=domain, creation_date=STAMP,
                      revision_date=STAMP, fuzzy=False)
    for method, path in sources(domain):
        if method == "cli-tree":
            for where, text in cli_help_texts():
                catalog.add(text, None, [(where, None)])
            continue
        options = JINJA_OPTIONS if method == JINJA else {}
        for line, message, comments, context in extract_from_file(
                method, str(path), keywords=KEYWORDS, options=options):
            catalog.add(message, None, [(str(path.relative_to(ROOT)), line)],
                        auto_comments=comments, context=context)
    return catalog


def cli_help_texts() -> list[tuple[str, str]]:
    """(command path, help text) of the CLI's whole command tree."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import typer  # noqa: PLC0415 - only this domain needs the CLI imported

    from api.cli import app  # noqa: PLC0415
    from api.cli.help_language import help_texts  # noqa: PLC0415

    return help_texts(typer.main.get_command(app))


def po_path(language: str, domain: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path, language: str, domain: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, project=PROJECT, domain=domain,
                       creation_date=STAMP, revision_date=STAMP, fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())


def compiled(po: Path, language: str, domain: str) -> bytes:
    """The .mo bytes of a .po file; the test compares the committed .mo with these."""
    buffer = io.BytesIO()
    write_mo(buffer, read(po, language, domain))
    return buffer.getvalue()


def untranslated(domain: str) -> list[str]:
    """'<lang>: <msgid>' for every text found in the code with no (or a fuzzy) translation."""
    missing = []
    found = extract(domain)
    for language in TRANSLATED:
        catalog = read(po_path(language, domain), language, domain)
        for message in found:
            if not message.id:
                continue
            entry = catalog.get(message.id, context=message.context)
            strings = entry.string if entry is not None else None
            if isinstance(strings, str | None):
                strings = (strings,)
            if entry is None or entry.fuzzy or not all(strings):
                missing.append(f"{language} {domain}: {message.id!r}")
    return missing


def cmd_extract() -> None:
    for domain in DOMAINS:
        write(LOCALE / f"{domain}.pot", extract(domain))


def cmd_update() -> None:
    for domain in DOMAINS:
        template = extract(domain)
        write(LOCALE / f"{domain}.pot", template)
        for language in TRANSLATED:
            path = po_path(language, domain)
            if not len(template) and not path.exists():
                continue  # an area with no texts yet gets no catalogue
            catalog = read(path, language, domain)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()  # a text gone from the code leaves the catalogue
            write(path, catalog)


def cmd_compile() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        data = compiled(po, po.parent.parent.name, po.stem)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            print(f"compiled {mo.relative_to(ROOT)}")


def cmd_check() -> int:
    missing = [line for domain in DOMAINS for line in untranslated(domain)]
    print("\n".join(missing) or "every text has a translation")
    return 1 if missing else 0


def main(argv: list[str]) -> int:
    commands = {"extract": cmd_extract, "update": cmd_update, "compile": cmd_compile}
    if argv == ["check"]:
        return cmd_check()
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

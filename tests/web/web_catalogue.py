"""The web pages' message catalogue (`web` domain): the msgids the templates use, and the
compiled .mo from the .po. Run `python tests/web/web_catalogue.py` after editing
templates or web.po: it adds new msgids to web.po (untranslated) and rewrites web.mo.
(scripts/i18n.py, when it lands, takes this over for every domain.)"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "api" / "web" / "templates"
FOLDER = ROOT / "api" / "i18n" / "locale" / "zh_CN" / "LC_MESSAGES"
PO, MO = FOLDER / "web.po", FOLDER / "web.mo"

# Texts the templates translate from data rather than literals: role and state names,
# reconciliation lines, export names, entry types and grid columns.
DYNAMIC = (
    "Administrator", "Finance", "Department head", "Appeals reviewer", "Auditor",
    "Not closed", "Awaiting approval", "Closed", "Restated",
    "Statement", "Reconciliation", "Restatement",
    "distributable pool", "pool not allocated (no department points)",
    "bank drawn (same-year carry-over)", "hospital floor subsidy",
    "hospital post bonus (outside the pool)", "hospital study-leave pay (outside the pool)",
    "control deductions retained by the hospital",
    "department penalties retained by the hospital", "excess over cap banked",
    "undistributed (no points to share it)", "paid to people", "year-end pool",
    "pool not allocated (no annual target points)",
    "forfeited by failed assessments (returned to the hospital)",
    "ScoreRecorded", "DeductionRecorded", "AttendanceRecorded", "AssessmentRecorded",
    "CmeCreditsRecorded", "LeaveRecorded", "payout line", "quantity", "scheduled_days",
    "filed", "assigned", "decided", "uphold", "change", "revoke", "paid", "excluded",
)


def msgids() -> list[str]:
    found: list[str] = []
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                           "lstrip_blocks": "True"}}
    for _, _, message, _, _ in extract_from_dir(str(TEMPLATES), [("**.html", "jinja2")],
                                                options):
        if isinstance(message, str) and message not in found:
            found.append(message)
    return found + [m for m in DYNAMIC if m not in found]


def read() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_CN", domain="web")


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def main() -> int:
    catalog = read() if PO.exists() else Catalog(locale="zh_CN", domain="web")
    wanted = msgids()
    for message in wanted:
        if message not in catalog:
            catalog.add(message, "")
    for message in [m.id for m in catalog if m.id and m.id not in wanted]:
        catalog.delete(message)  # no longer used by any template
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False)
    PO.write_bytes(buffer.getvalue())
    MO.write_bytes(compiled(read()))
    missing = [m.id for m in read() if m.id and not m.string]
    print(f"{PO.relative_to(ROOT)}: {len(missing)} untranslated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

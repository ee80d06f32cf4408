"""The downloads page's words: each file's title and remark (by the kind of file
api/usecases/download_offers.py offers), and the CSV encodings a reader picks from on
the download forms (the downloads page and the auditor's event history), each named as
the program that opens it knows it. Message ids, translated where the page renders."""

from __future__ import annotations

from typing import Final

from api.i18n import N_

# (a label is translated where the form is drawn: 「older Excel」 is 旧版 Excel in Chinese)
ENCODINGS: Final = (("utf-8-sig", "UTF-8 (BOM, Excel)"), ("gbk", N_("GBK (WPS / older Excel)")),
                    ("gb18030", "GB18030"), ("utf-8", "UTF-8"))

OFFER_TITLES: Final = {
    "statement": N_("Performance pay statement"),
    "reconciliation": N_("Performance pay reconciliation"),
    "restatement": N_("Restatement of the closed period"),
    "grades": N_("Grades"),
    "events": N_("Event log"),
    "figures": N_("Intermediate figures"),
    "payroll": N_("Gross performance pay by item (for the payroll system)"),
    "bank": N_("Bank payment file"),
    "payslips": N_("Payslips"),
    "letters": N_("Appeal decision letters"),
}
# The statement's columns keep their Chinese headings in English too: a reader finds
# them so in the file (docs/spreadsheets.md).
OFFER_NOTES: Final = {
    "statement": N_("One sheet per department and a summary sheet. Each person's gross pay "
                    "(应发金额), the tax withheld (代扣个税; blank where payroll reported none) "
                    "and the net pay the bank pays (实发金额). An open period's file is "
                    "marked as a draft (草稿)."),
    "payroll": N_("Each person's gross amount by item. The full ID number is shown to finance "
                  "and administrators only; other roles see it masked."),
    "bank": N_("The net amount (after the income tax withheld), in the bank's batch payment "
               "layout."),
    "events": N_("Every event; to export the events a filter finds, use the audit page."),
    "payslips": N_("One page per person: every department in one ZIP, or one department."),
    "letters": N_("One PDF per decided appeal: download one, or every letter in one ZIP."),
    "bank_open": N_("This period is not closed yet: the bank pays a closed statement only, so "
                    "the file can be made once the period is closed."),
    "no_key": N_("The server has no master key, so it cannot make the bank file (set "
                 "JIXIAO_MASTER_KEY_FILE when starting the server)."),
}

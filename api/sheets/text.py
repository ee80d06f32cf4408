"""Every sentence the spreadsheet import and templates show a person, in one place. Each
is English, its message id: it is translated where it is shown (api/i18n/messages.py
`translate`, with its template in api/i18n/error_templates.py), so a refusal reads in
Chinese by default and in English with `--lang en`. Filled in with str.format; a value
written with !r keeps its quotes in either language."""

from __future__ import annotations

from api.i18n import N_

# --- the file
NO_FILE = "no file {path!r}"
A_DIRECTORY = "{path!r} is a directory, not a spreadsheet"
CORRUPT = ("the file is damaged and cannot be read as XLSX: {error}; open it in Excel or WPS "
           "and save it as .xlsx or CSV")
ENCRYPTED = ("the file is password-protected or an old .xls file: remove the password and "
             "save it as .xlsx or CSV, then import it")
NOT_ENCODED = ("not {encoding} text (byte {offset}, 0x{byte:02x}): choose the encoding with "
               "--encoding, or save it as CSV UTF-8")
NOT_TEXT = "neither UTF-8 nor GB18030 text (byte {offset}): save it as CSV UTF-8 or XLSX"
NO_SHEET = "no sheet {sheet!r}; the sheets are: {sheets}"
NO_VISIBLE_SHEET = "the workbook has no visible sheet"
HIDDEN_SHEETS = "hidden sheets ignored: {sheets}"
HIDDEN_SHEET_CHOSEN = "sheet {sheet!r} is hidden"
EMPTY = "the file is empty; the first row must be the header: {columns}"
BAD_CSV = "not readable as CSV: {error}"
# A file whose first row names no column of the kind (a key file, a letter, another
# program's export): its cells are never quoted back, a secret may be among them.
NOT_A_SHEET = ("not a sheet of {kind}: its first row names none of the columns ({columns}); "
               "choose the file again")
# {command}: how the shell imports that kind, as typed (`jixiao import withholding w.csv`,
# `POST /imports/withholding`); the page, whose list names the kinds, says none.
OTHER_KIND = "the header is that of {other}, not of {kind}: import it as {other} ({command})"
OTHER_KIND_CHOSEN = "the header is that of {other}, not of {kind}: import it as {other}"
CLI_IMPORT = "jixiao import {kind} {file}"
NOT_CHOSEN_ENCODING = "the CSV encoding is one of {allowed}"

# --- the header
MERGED_HEADER = "merged header cells {cells}: unmerge them, one header per column"
NO_NAME = "the column has no name; delete the empty column"
TWICE = "the column appears twice"
UNKNOWN_COLUMN = "unknown column {name!r}; the columns are: {columns}"
UNKNOWN_COLUMN_SEPARATED = ("unknown column {name!r} (the file must be comma-separated, not "
                            "by ';' or tabs); the columns are: {columns}")
MISSING_COLUMN = "missing required column"
NO_KIND = "no import kind {kind!r}; use one of: {kinds}"

# --- the template's example row (api/sheets/templates.py): never a ledger entry
EXAMPLE_SKIPPED = "{where}: the template's example row, skipped"
ONLY_EXAMPLE = ("nothing to import: only the template's example row, which is never imported; "
                "fill in your rows below it, or type over it, its {column} cell too")
EXAMPLE_MARK_KEPT = ("{mark!r} marks only the template's example row, and this row is not it "
                     "(its other cells differ): clear this cell or write your own value")
ONLY_NOTED_EXAMPLE = ("nothing to import: only the template's example row (its first cell's "
                      "comment says so), which is never imported; fill in your rows below it, "
                      "or delete that comment")

# --- one row
HIDDEN_ROW = "the row is hidden: unhide and check it, or delete it"
CELL_COUNT = ("{cells} cell(s), but the header has {columns} column(s): check for extra or "
              "missing commas and unclosed quotes")
FORMULA_NO_VALUE = ("a formula without a cached value: open and save the file in Excel or "
                    "WPS, or type the value")
ERROR_VALUE = "the cell holds the error {value}"
NOT_A_NUMBER = "not a number: {value!r}"
NOT_A_DATE = "not a date: {value!r}"
KEY_TWICE = "the key is already that of {earlier}; each row needs its own"

# --- warnings (the row is read; the person is told how). `where` is a place
# (api/i18n/messages.place); the comma after it keeps it apart from the column's name.
WIDE_DIGITS = "{where}, {column}: full-width characters normalised {before!r} → {after!r}"
THOUSANDS = "{where}, {column}: thousands separators removed {before!r} → {after!r}"
SERIAL_DATE = "{where}, {column}: the Excel date serial {before!r} read as {after}"
SLASHED_DATE = "{where}, {column}: the date {before!r} read as {after}"
DATE_PERIOD = "{where}, {column}: the date cell {before} read as the period {after}"
# A personal-data cell (银行账号, 身份证号) is never quoted: the warning names the cell only.
PRIVATE_WIDE = ("{where}, {column}: full-width digits or spaces normalised (personal "
                "data: the value is not shown)")
PRIVATE_ROUNDED = ("Excel stored this long number as a number cell, which keeps 15 "
                   "significant digits: the last digits are lost; format the column as "
                   "text and type the value again")
PRIVATE_NOT_TEXT = "type the digits, as text: not a date or another value"

# --- the errors copy and the rejected rows (a header the import reads back: both names)
COMMENT_AUTHOR = "jixiao 绩效"
ERROR_COLUMN = "错误原因 error"

# --- the template (written in the reader's language by api/sheets/templates.py)
EXAMPLE_NOTE = N_("example row, marked 示例: the import skips it; fill in your rows below "
                  "it")
LIST_PROMPT = N_("choose from the list")
LIST_WARNING = N_("not in the list: choose from it, or type the code alone (what the list "
                  "shows in brackets), which the import also reads. Keep this value?")
NO_TEMPLATE_FORMAT = "the template format is xlsx or csv"
NO_TEMPLATE_FOR_ROLE = "{role} does not import {kind}, so is offered no template for it"

"""The empty workbook a person fills in for an import kind: headers in Chinese and
English, drop-down lists (data validation) of the organisation's departments, people,
periods and the scheme's items, each as 「name (code)」 (api/usecases/template_labels.py),
and one example row marked 示例, which the import skips."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from api.i18n import gettext
from api.sheets import text
from api.sheets.columns import (
    ENTRY_KINDS,
    EXAMPLE_MARK,
    PERSONAL_COLUMNS,
    Kind,
    example_column,
    header_label,
)
from domain.records import frozen_record

HEADER_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
EXAMPLE_FONT = Font(italic=True, color="FF808080")
LISTS_SHEET = "lists"
ROWS_VALIDATED = 5000  # rows below the header the drop-downs cover


@frozen_record
class Lists:
    """The values offered in drop-downs, by column."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)
    # The example as the XLSX drop-downs offer it (「内科 (internal)」); a CSV, which has no
    # drop-downs, shows the codes one types.
    listed_example: dict[str, str] = field(default_factory=dict)


def write_template(kind: Kind, lists: Lists, fmt: str, path: str,
                   encoding: str = "utf-8-sig") -> None:
    """The template file: XLSX with drop-downs, or CSV with the header and example row."""
    header = [header_label(column) for column in kind.columns]
    shown = {**lists.example, **lists.listed_example} if fmt == "xlsx" else lists.example
    # Marked, the example row is skipped by the import (and said so): left in, it is never
    # recorded as someone's deduction or tax.
    shown = {**shown, example_column(kind): EXAMPLE_MARK}
    example = [shown.get(column, "") for column in kind.columns]
    if fmt == "csv":
        with Path(path).open("w", encoding=encoding, newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerow(example)
        return
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = kind.name
    ws.append(header)
    # Numbers as number cells: Excel flags a number stored as text.
    ws.append([int(value) if value.isdigit() and column not in PERSONAL_COLUMNS else value
               for column, value in zip(kind.columns, example, strict=True)])
    for number in range(1, len(kind.columns) + 1):
        ws.cell(row=1, column=number).fill = HEADER_FILL
        ws.cell(row=2, column=number).font = EXAMPLE_FONT
        ws.column_dimensions[get_column_letter(number)].width = max(12, len(header[number - 1]) + 4)
    ws.cell(row=2, column=1).comment = Comment(gettext(text.EXAMPLE_NOTE), text.COMMENT_AUTHOR)
    for number, column in enumerate(kind.columns, start=1):
        if column in PERSONAL_COLUMNS:  # long digit strings: text, or Excel rounds them
            ws.column_dimensions[get_column_letter(number)].number_format = "@"
            ws.cell(row=2, column=number).number_format = "@"
    ws.freeze_panes = "A2"
    _drop_downs(workbook, kind.columns, lists)
    workbook.save(path)


def _drop_downs(workbook: Workbook, columns: Sequence[str], lists: Lists) -> None:
    """One column of the hidden `lists` sheet per list; the main sheet's cells validate
    against it (a list typed inline is limited to 255 characters)."""
    main = workbook.active
    assert main is not None
    store = workbook.create_sheet(LISTS_SHEET)
    store.sheet_state = "hidden"
    used = 0
    for number, column in enumerate(columns, start=1):
        values = lists.values.get(column)
        if not values:
            continue
        used += 1
        letter = get_column_letter(used)
        store.cell(row=1, column=used, value=header_label(column))
        for row, value in enumerate(values, start=2):
            store.cell(row=row, column=used, value=value)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        # A warning, not a stop: a clerk may type the code alone (E0001), which the import
        # reads as well as the listed 「张三 (E0001)」.
        rule = DataValidation(type="list", formula1=source, allow_blank=True,
                              showDropDown=False, showErrorMessage=True, errorStyle="warning",
                              promptTitle=header_label(column),
                              prompt=gettext(text.LIST_PROMPT),
                              errorTitle=header_label(column),
                              error=gettext(text.LIST_WARNING))
        target = get_column_letter(number)
        rule.add(f"{target}2:{target}{ROWS_VALIDATED + 1}")
        main.add_data_validation(rule)


def entry_values() -> tuple[str, ...]:
    return tuple(ENTRY_KINDS)

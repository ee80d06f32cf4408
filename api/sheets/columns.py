"""The import kinds and their columns: English names (the command fields), Chinese
aliases, what each cell holds, and one row's cells turned into a ledger command.

The kinds (documented for people in docs/spreadsheets.md):

* ``roster``  - one ``hire_employee`` per row;
* ``entries`` - score entries: ``record_deduction``, ``record_score`` or
  ``record_attendance`` per row, chosen by the ``entry`` column;
* ``withholding`` - one ``record_withholding`` per row;
* ``personal`` - a person's bank name, account and ID number, sealed per person;
* ``figures`` - one ``record_department_figures`` per row (a department's quarter);
* ``pool`` - one ``declare_pool`` per row (a period's pool: an amount or the revenue);
* ``departments`` - one ``define_department`` per row.

Values stay text: decimals reach the command models as strings (never floats), and an
empty cell is left out of the command so the model's default applies. The models' own
checks (dates, periods, numbers) are reported by the column as the file names it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError

from api.sheets import text
from domain.errors import InvalidRequestError, Problem
from domain.events import COMMANDS_BY_TYPE
from domain.records import frozen_record

# A person's bank name, bank account and ID number (optional): personal data, never in
# the hire command; the import seals them with the person's own key
# (api/usecases/roster_details.py) and the bank file reads them back.
PERSONAL_COLUMNS: tuple[str, ...] = ("bank_name", "bank_account", "id_number")
ROSTER_COLUMNS: tuple[str, ...] = (
    "employee_id", "name", "department_id", "title_grade", "post", "category",
    "participation_class", "hired_on", "probation_until", *PERSONAL_COLUMNS,
    "idempotency_key",
)
ROSTER_REQUIRED: tuple[str, ...] = (
    "employee_id", "name", "department_id", "title_grade", "hired_on",
)

# The income tax payroll withheld (`record_withholding`, domain/personal.py): one row per
# person and pay period.
WITHHOLDING_COLUMNS: tuple[str, ...] = (
    "pay_period", "employee_id", "tax_withheld_cny", "reason", "idempotency_key",
)
WITHHOLDING_REQUIRED: tuple[str, ...] = ("pay_period", "employee_id", "tax_withheld_cny")

# Personal details of people already on the roster (api/usecases/personal_import.py): one
# row per person, sealed with the person's own key; an empty cell keeps what is recorded.
PERSONAL_KIND_COLUMNS: tuple[str, ...] = ("employee_id", "name", *PERSONAL_COLUMNS)
# Cells that are personal data and digits: never quoted back, masked in files written back.
SECRET_COLUMNS = frozenset({"bank_account", "id_number"})

# The period's setup (issue 13: a clerk runs the period without JSON): a department's
# workload, revenue and cost; the pool as its own one-row sheet, because it is one figure
# of the hospital's, not of a department's, and its columns share nothing with the
# figures'; the departments, the administrator's.
FIGURES_COLUMNS: tuple[str, ...] = (
    "period", "department_id", "workload_base", "workload_actual", "medical_revenue_cny",
    "full_cost_cny", "idempotency_key",
)
POOL_COLUMNS: tuple[str, ...] = ("period", "amount_cny", "medical_revenue_cny",
                                 "idempotency_key")
DEPARTMENTS_COLUMNS: tuple[str, ...] = (
    "department_id", "department_name", "department_kind", "admin_class", "admin_role",
    "risk_coefficient", "effective_on", "idempotency_key",
)
DEPARTMENTS_REQUIRED: tuple[str, ...] = (
    "department_id", "department_name", "department_kind", "effective_on",
)
# Columns named apart from their command field: 姓名 is a person's, 项目 an entry's.
RENAMED: dict[str, dict[str, str]] = {
    "departments": {"department_name": "name", "department_kind": "kind"},
}
DEPARTMENT_KIND_CHINESE: dict[str, str] = {"临床": "clinical", "行政": "admin"}
# A setup command's checks of the whole row (model validators, no field of their own):
# the column a clerk fixes. Their reasons stay English (domain/events.py's), worded where
# they are shown (api/i18n/error_templates.py).
ROW_CHECK_COLUMN: dict[str, str] = {"define_department": "admin_class",
                                    "declare_pool": "amount_cny"}

ABSENCE_COLUMNS: dict[str, str] = {  # column -> key of record_attendance.absence_days
    "absence_sick": "sick",
    "absence_maternity": "maternity",
    "absence_personal": "personal",
    "absence_other": "other",
}
ENTRIES_COLUMNS: tuple[str, ...] = (
    "period", "employee_id", "entry", "kind", "count", "minutes", "points",
    "scheduled_days", *ABSENCE_COLUMNS, "reason", "evidence_ref", "idempotency_key",
)
ENTRIES_REQUIRED: tuple[str, ...] = ("period", "employee_id", "entry")
ENTRY_COMMON: tuple[str, ...] = (
    "period", "employee_id", "entry", "reason", "evidence_ref", "idempotency_key",
)

# Columns read and then left out of the command: a name beside the id helps the person
# filling the sheet; the error column is what a rejected-rows file adds.
IGNORED: dict[str, tuple[str, ...]] = {
    "roster": ("error", *PERSONAL_COLUMNS),
    "entries": ("name", "error"),
    "withholding": ("name", "error"),
    "personal": ("name", "error", *PERSONAL_COLUMNS),
    "figures": ("department_name", "error"),
    "pool": ("error",),
    "departments": ("error",),
}

# The Chinese header of each column (the fixed aliases, and the rest in kind).
CHINESE: dict[str, str] = {
    "employee_id": "工号", "name": "姓名", "department_id": "科室", "title_grade": "职称",
    "post": "岗位", "category": "人员类别", "participation_class": "参与档次",
    "hired_on": "入职日期", "probation_until": "试用期至", "idempotency_key": "幂等键",
    "period": "期间", "entry": "类别", "kind": "项目", "count": "次数", "minutes": "分钟",
    "points": "分值", "scheduled_days": "应出勤天数", "absence_sick": "病假天数",
    "absence_maternity": "产假天数", "absence_personal": "事假天数",
    "absence_other": "其他缺勤天数", "reason": "原因", "evidence_ref": "备注",
    "error": "错误原因", "pay_period": "发放期间", "tax_withheld_cny": "代扣个税",
    "bank_name": "开户行", "bank_account": "银行账号", "id_number": "身份证号",
    "workload_base": "基础工作量", "workload_actual": "实际工作量",
    "medical_revenue_cny": "医疗收入", "full_cost_cny": "全成本", "amount_cny": "绩效总额",
    "department_name": "名称", "department_kind": "类型", "admin_class": "行政类别",
    "admin_role": "行政岗位", "risk_coefficient": "风险系数", "effective_on": "生效日期",
}

# Other headers finance sheets and bank files use for the personal columns (a bank batch
# file says 账号 and 户名), read as the same columns.
ALIASES: dict[str, str] = {
    "账号": "bank_account", "银行卡号": "bank_account", "卡号": "bank_account",
    "开户银行": "bank_name", "证件号码": "id_number", "身份证": "id_number", "户名": "name",
    "科室编号": "department_id", "科室名称": "department_name", "科室类型": "department_kind",
}

CODES = frozenset({"employee_id", "department_id", "title_grade", "post", "category",
                   "participation_class", "kind", "entry", "department_kind",
                   "admin_role"})
INTEGERS = frozenset({"count", "minutes", "admin_class"})
DECIMALS = frozenset({"points", "scheduled_days", "tax_withheld_cny", *ABSENCE_COLUMNS,
                      "workload_base", "workload_actual", "medical_revenue_cny",
                      "full_cost_cny", "amount_cny", "risk_coefficient"})
DATES = frozenset({"hired_on", "probation_until", "effective_on"})
Holds = Literal["code", "integer", "decimal", "date", "period", "text", "secret"]


def holds(column: str) -> Holds:
    """What a column's cells hold, which decides how a cell is made exact."""
    if column in CODES:
        return "code"
    if column in INTEGERS:
        return "integer"
    if column in DECIMALS:
        return "decimal"
    if column in DATES:
        return "date"
    if column in SECRET_COLUMNS:
        return "secret"
    return "period" if column in ("period", "pay_period") else "text"


@frozen_record
class EntryKind:
    command: str  # the command type
    columns: tuple[str, ...]  # columns this entry uses besides ENTRY_COMMON
    required: tuple[str, ...]  # of those, the cells that must not be empty
    renamed: dict[str, str]  # column -> command field, where they differ


ENTRY_KINDS: dict[str, EntryKind] = {
    "deduction": EntryKind("record_deduction", ("kind", "count", "minutes", "points"),
                           ("kind",), {}),
    "score": EntryKind("record_score", ("kind", "points"), ("kind", "points"),
                       {"kind": "item"}),
    "attendance": EntryKind("record_attendance", ("scheduled_days", *ABSENCE_COLUMNS),
                            ("scheduled_days",), {}),
}
ENTRY_CHINESE: dict[str, str] = {"扣分": "deduction", "评分": "score", "考勤": "attendance"}


@frozen_record
class Kind:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "roster": Kind("roster", ROSTER_COLUMNS, ROSTER_REQUIRED),
    "entries": Kind("entries", ENTRIES_COLUMNS, ENTRIES_REQUIRED),
    "withholding": Kind("withholding", WITHHOLDING_COLUMNS, WITHHOLDING_REQUIRED),
    "personal": Kind("personal", PERSONAL_KIND_COLUMNS, ("employee_id",)),
    "figures": Kind("figures", FIGURES_COLUMNS, FIGURES_COLUMNS[:-1]),
    "pool": Kind("pool", POOL_COLUMNS, ("period",)),
    "departments": Kind("departments", DEPARTMENTS_COLUMNS, DEPARTMENTS_REQUIRED),
}


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise InvalidRequestError(text.NO_KIND.format(kind=name, kinds=", ".join(KINDS)))
    return KINDS[name]


# The template's example row (api/sheets/templates.py) carries this in its marked column:
# the import skips such a row and says so, so an untouched template records nothing.
EXAMPLE_MARK = "示例"
_EXAMPLE_MARKS = frozenset({"示例", "example", "示例(example)", "示例 example"})


def example_column(kind: Kind) -> str:
    """The column that marks the example row: its idempotency key, which no real row
    needs; the personal kind has none, and its example names nobody (工号 示例)."""
    return "idempotency_key" if "idempotency_key" in kind.columns else "employee_id"


# What earlier versions' templates wrote in their example row (no mark), by kind, apart
# from the cells that came from the ledger (a person, a period, a department, a grade):
# under a template's header, such a row is skipped as an example, never recorded. Only
# where it cannot be a real row (its reason or name is the template's own words); the
# pool's and figures' examples are worked example 1's real figures, so a CSV of theirs
# is not told apart (a workbook is, by its comment: api/sheets/readers.py).
LEGACY_EXAMPLES: dict[str, dict[str, str]] = {
    "entries": {"entry": "deduction", "kind": "late", "count": "1", "minutes": "10",
                "reason": "迟到 10 分钟"},
    "withholding": {"tax_withheld_cny": "123.45", "reason": "工资系统报送的累计预扣个税"},
    # its bank name too, but the personal columns are left out of the comparison
    "roster": {"name": "张三", "category": "regular", "participation_class": "full",
               "hired_on": "2026-01-01"},
    "departments": {"department_name": "新科室", "department_kind": "clinical",
                    "risk_coefficient": "1", "effective_on": "2026-01-01"},
}
_FROM_LEDGER = frozenset({"employee_id", "period", "pay_period", "department_id",
                          "title_grade", "post", *PERSONAL_COLUMNS})


# The example row as this version's template writes it (api/usecases/imports.py
# `template_lists`), less its mark and the cells from the ledger: a row marked 示例 is the
# example only if the rest is exactly this. A row marked so and holding anything else is
# a real row whose cell happens to say 示例: refused, never skipped unseen.
EXAMPLES: dict[str, dict[str, str]] = {
    "entries": LEGACY_EXAMPLES["entries"],
    "withholding": LEGACY_EXAMPLES["withholding"],
    "roster": {"name": "张三", "category": "regular", "participation_class": "full",
               "hired_on": "2026-01-01"},
    "personal": {"name": "张三"},
    "departments": LEGACY_EXAMPLES["departments"],
    "pool": {"amount_cny": "30962.50"},
    "figures": {"workload_base": "1000", "workload_actual": "1000",
                "medical_revenue_cny": "100000.00", "full_cost_cny": "100000.00"},
}


def _rest(kind: Kind, values: Mapping[str, str]) -> dict[str, object]:
    """A row's cells that a template's example does not take from the ledger; a decimal
    as its number (a CSV template re-saved by Excel holds 30962.5, not 30962.50)."""
    return _numbers({k: v for k, v in values.items()
                     if k in kind.columns and k not in _FROM_LEDGER and k != example_column(kind)})


def _numbers(values: Mapping[str, str]) -> dict[str, object]:
    return {k: _number(v) if holds(k) == "decimal" else v for k, v in values.items()}


def _number(value: str) -> object:
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def is_marked(kind: Kind, values: Mapping[str, str]) -> bool:
    """Whether the row's marked column says 示例 (or example)."""
    mark = unicodedata.normalize("NFKC", values.get(example_column(kind), ""))
    return mark.strip().lower() in _EXAMPLE_MARKS


def is_example(kind: Kind, values: Mapping[str, str], template_header: bool) -> bool:
    """Whether a row is a template's example: marked (示例) and otherwise as the template
    wrote it, or, under a header exactly as a template writes it, the unmarked example of
    an earlier version."""
    if is_marked(kind, values):
        return _rest(kind, values) == _numbers(EXAMPLES.get(kind.name, {}))
    legacy = LEGACY_EXAMPLES.get(kind.name)
    if not template_header or legacy is None:
        return False
    # An earlier template's example had no key: a key typed in makes the row the clerk's.
    rest = {k: v for k, v in values.items() if k in kind.columns and k not in _FROM_LEDGER}
    return _numbers(rest) == _numbers(legacy)


def header_label(column: str) -> str:
    """A template's header: the Chinese name, then the English one, e.g. 工号(employee_id)."""
    return f"{CHINESE[column]}({column})"


# ---------------------------------------------------------------------------- header

# How much of a file's text a problem repeats: a key or password pasted into a sheet (or
# a key file chosen as one) is never shown whole. A header cell that names no column may
# be anything: at most its first PREFIX characters. A row's cell is repeated only in a
# column of short, public values (a code, a period, a date, a number): up to SHORT
# characters, else its first PREFIX; a text or personal-data column's never (`scrubbed`).
PREFIX = 8
SHORT = 12


def prefix(value: str) -> str:
    return value if len(value) <= PREFIX else f"{value[:PREFIX]}…"


def shortened(value: str) -> str:
    return value if len(value) <= SHORT else f"{value[:PREFIX]}…"


# A value as repr() quotes it: a quote no letter touches from outside (not an apostrophe)
_QUOTED = re.compile(r"(?<!\w)(?:'([^'\n]*)'|\"([^\"\n]*)\")(?!\w)")


def scrubbed(reason: str, column: str) -> str:
    """A reason raised on a cell's value (the ledger's, a command model's), with the values
    it quotes shortened, or in a column of free text or personal data left out (…)."""
    whole = column in CHINESE and holds(column) in ("text", "secret")

    def cut(found: re.Match[str]) -> str:
        quote = found[0][0]
        value = found[1] if found[1] is not None else found[2]
        return f"{quote}{'…' if whole and value else shortened(value)}{quote}"

    return _QUOTED.sub(cut, reason)


# A kind as a refusal names it, as the import page's list does (translated where shown):
# 'personal' alone is also the leave kind, read 事 (事假).
KIND_WORDS: dict[str, str] = {
    "roster": "roster", "entries": "entries", "withholding": "withholding",
    "personal": "personal details", "departments": "departments (setup)",
    "pool": "the period's pool", "figures": "department figures",
}


def kind_word(name: str) -> str:
    return KIND_WORDS.get(name, name)


def column_list(kind: Kind) -> str:
    """The kind's columns as a template heads them (工号(employee_id)): the reader's name
    beside the id, whichever language they read."""
    return ", ".join(header_label(column) for column in kind.columns)


def looks_like(kind: Kind, cells: Sequence[str]) -> str | None:
    """Another kind whose sheet this header is: it names every cell as that kind's column
    and holds its required columns, while some cell is not one of `kind`'s."""
    named = [cell for cell in cells if cell]
    if all(resolve(kind, cell) is not None for cell in named):
        return None
    # The kind that asks most first: an entries header also holds the personal kind's one
    # required column.
    for other in sorted(KINDS.values(), key=lambda k: -len(k.required)):
        if other.name == kind.name:
            continue
        found = [resolve(other, cell) for cell in named]
        if None not in found and all(column in found for column in other.required):
            return other.name
    return None


def names_none(kind: Kind, cells: Sequence[str]) -> bool:
    """No cell of the first row names a column of `kind` (nor one it ignores), even split
    at ';' or tabs (a file separated so is told how to save it instead)."""
    return all(resolve(kind, part) is None for cell in cells if cell
               for part in (cell, *re.split(r"[;\t]", cell)))


def is_template_header(kind: Kind, cells: Sequence[str]) -> bool:
    """The header exactly as `jixiao template` writes it: every column, in its order."""
    return list(cells) == [header_label(column) for column in kind.columns]


@frozen_record
class Header:
    """The header row read: for each position, the column it is (None: unknown or empty)
    and the name as the file wrote it, which problems repeat back to the person."""

    columns: tuple[str | None, ...]
    written: tuple[str, ...]

    def label(self, column: str) -> str:
        """The name the file gave a column (as a template heads it when the file lacks
        it: 分钟(minutes), the reader's name and the one either language may type)."""
        for known, written in zip(self.columns, self.written, strict=True):
            if known == column:
                return written
        return header_label(column) if column in CHINESE else column


_SPLIT = re.compile(r"[\s()（）/|:：]+")


def resolve(kind: Kind, name: str) -> str | None:
    """The column a header cell names: English, Chinese, or both as a template writes
    them ('工号(employee_id)', '工号 employee_id'); None if none or they disagree."""
    accepted = {*kind.columns, *IGNORED[kind.name]}
    by_name = {**{a: c for a, c in ALIASES.items() if c in accepted},
               **{CHINESE[c]: c for c in accepted}, **{c: c for c in accepted}}
    name = unicodedata.normalize("NFKC", name).strip()
    if name in by_name:
        return by_name[name]
    found = {by_name[part] for part in _SPLIT.split(name) if part in by_name}
    return found.pop() if len(found) == 1 else None


def read_header(kind: Kind, cells: Sequence[str], where: str,
                problems: list[Problem]) -> tuple[Header, bool]:
    """The header and whether rows can be read (no required column is missing). Unknown
    and repeated columns are reported, and rows are still checked."""
    seen: set[str] = set()
    columns: list[str | None] = []
    for number, name in enumerate(cells, start=1):
        column = resolve(kind, name) if name else None
        columns.append(column)
        if not name:
            problems.append(Problem(where, f"column {number}", text.NO_NAME))
        elif column is None:
            separated = ";" in name or "\t" in name
            problems.append(Problem(where, prefix(name), (
                text.UNKNOWN_COLUMN_SEPARATED if separated else text.UNKNOWN_COLUMN
            ).format(name=prefix(name), columns=column_list(kind))))
        elif column in seen:
            problems.append(Problem(where, name, text.TWICE))
        if column is not None:
            seen.add(column)
    missing = [name for name in kind.required if name not in seen]
    for name in missing:  # named as a template heads it: either name may be typed
        problems.append(Problem(where, header_label(name), text.MISSING_COLUMN))
    return Header(tuple(columns), tuple(cells)), not missing


# ---------------------------------------------------------------------------- commands


# Kinds whose row is one command with the row's columns as its fields.
SIMPLE_KINDS: dict[str, str] = {
    "roster": "hire_employee", "withholding": "record_withholding",
    "figures": "record_department_figures", "pool": "declare_pool",
    "departments": "define_department",
}


def row_command(kind: Kind, where: str, values: Mapping[str, str], header: Header
                ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One row's command (values by column, empty cells left out) and its problems."""
    values = {k: v for k, v in values.items() if k not in IGNORED[kind.name]}
    if kind.name == "personal":  # sealed later (api/usecases/personal_import.py)
        if "employee_id" not in values:
            return None, [Problem(where, header.label("employee_id"), "empty; required")]
        return {"type": "record_personal_details", **values}, []
    if kind.name in SIMPLE_KINDS:
        renamed: dict[str, str] = RENAMED.get(kind.name, {})
        if "department_kind" in values:  # 临床/行政 as the clerk writes it
            values = {**values, "department_kind": DEPARTMENT_KIND_CHINESE.get(
                values["department_kind"], values["department_kind"])}
        fields: dict[str, Any] = {renamed.get(k, k): v for k, v in values.items()}
        if values.get("admin_class", "").isdigit():  # a Literal[1, 2, 3]: no text
            fields["admin_class"] = int(values["admin_class"])
        command: dict[str, Any] | None = {"type": SIMPLE_KINDS[kind.name], **fields}
        entry_name: str | None = None
        problems: list[Problem] = []
    else:
        problems = []
        command, renamed, entry_name = _entry_command(where, values, header, problems)
    if command is not None:
        problems += _model_problems(where, command, renamed, entry_name, header)
    return (command if not problems else None), problems


def _entry_command(where: str, values: Mapping[str, str], header: Header,
                   problems: list[Problem]
                   ) -> tuple[dict[str, Any] | None, dict[str, str], str | None]:
    """The command of one entries row, the column renames used, and the entry kind."""
    written = values.get("entry", "")
    entry_name = ENTRY_CHINESE.get(written, written)
    entry = ENTRY_KINDS.get(entry_name)
    if entry is None:
        allowed = ", ".join(ENTRY_KINDS)
        reason = (f"unknown entry {shortened(written)!r}; write one of: {allowed}" if written
                  else f"empty; write one of: {allowed}")
        problems.append(Problem(where, header.label("entry"), reason))
        return None, {}, None
    for name in values:
        if name not in ENTRY_COMMON and name not in entry.columns:
            problems.append(Problem(where, header.label(name), f"not used by a {entry_name} "
                                    "entry; leave it empty"))
    command: dict[str, Any] = {"type": entry.command}
    absence: dict[str, str] = {}
    for name, value in values.items():
        if name == "entry" or (name not in ENTRY_COMMON and name not in entry.columns):
            continue
        if name in ABSENCE_COLUMNS:
            absence[ABSENCE_COLUMNS[name]] = value
        else:
            command[entry.renamed.get(name, name)] = value
    if absence:
        command["absence_days"] = absence
    return command, entry.renamed, entry_name


def _model_problems(where: str, command: dict[str, Any], renamed: dict[str, str],
                    entry_name: str | None, header: Header) -> list[Problem]:
    """The command model's own checks, reported by the file's column, not model field."""
    model = COMMANDS_BY_TYPE[command["type"]]
    try:
        model.model_validate(command)
    except ValidationError as error:
        fields = {field: column for column, field in renamed.items()}
        problems = []
        for detail in error.errors(include_url=False):
            loc = detail["loc"] or ((ROW_CHECK_COLUMN[command["type"]],)
                                    if command["type"] in ROW_CHECK_COLUMN else ())
            column = column_of(loc, fields, header)
            if detail["type"] == "missing":
                needs = f"a {entry_name} entry needs it" if entry_name else "required"
                reason = f"empty; {needs}"
            else:
                reason = scrubbed(detail["msg"].removeprefix("Value error, "),
                                  fields.get(str(loc[0]), str(loc[0])) if loc else "")
            problems.append(Problem(where, column, reason))
        return problems
    return []


def column_of(loc: Sequence[int | str], fields: Mapping[str, str], header: Header) -> str:
    """The file's name of the column a command field came from."""
    if not loc:
        return ""
    if loc[0] == "absence_days" and len(loc) > 1:
        return header.label(f"absence_{loc[1]}")
    head = header.label(fields.get(str(loc[0]), str(loc[0])))
    return ".".join([head, *map(str, loc[1:])])


def field_column(field: str, command_type: str) -> str:
    """The column a command field is read from (the ledger names fields, not columns)."""
    for entry in ENTRY_KINDS.values():
        if entry.command == command_type:
            for column, renamed in entry.renamed.items():
                if renamed == field:
                    return column
    return field

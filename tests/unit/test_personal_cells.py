"""The pure core of the personal-details import: a bank account or ID number cell made
exact without quoting it, and an ID number's GB 11643 check."""

from __future__ import annotations

import pytest

from api.sheets.cells import exact
from api.sheets.columns import KINDS, resolve
from api.usecases.personal import MESSAGES, id_number_problem

# GB 11643-1999's own example, and two numbers whose 18th character was computed by
# ISO 7064 MOD 11-2 by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
VALID = ("11010519491231002X", "110101199001011237", "43010219800101109X")


@pytest.mark.parametrize("number", VALID)
def test_valid_id_numbers_pass(number: str) -> None:
    assert id_number_problem(number) is None


@pytest.mark.parametrize(("number", "reason"), [
    ("110101199001011234", "check_digit"),  # one digit off: the check digit says so
    ("11010519491231002Y", "id_number"),
    ("110101199013011237", "birth_date"),  # month 13
    ("1101051949123100", "id_number"),  # 16 characters
    ("110105491231002", None),  # the old 15-digit form has no check digit
    ("110105491331002", "birth_date"),
])
def test_wrong_id_numbers_name_their_fault(number: str, reason: str | None) -> None:
    assert id_number_problem(number) == (MESSAGES[reason] if reason else None)


def test_full_width_digits_and_spaces_are_normalised_with_a_warning_quoting_nothing() -> None:
    cell = exact("６２２２\u3000０２１２ 3456 7812", "secret")
    assert cell.value == "6222021234567812"
    assert cell.warning is not None
    assert "{before}" not in cell.warning
    assert "{after}" not in cell.warning
    assert cell.before == ""
    assert exact("6222 0212 3456 7812", "secret").warning is None  # ASCII grouping: as typed
    assert exact("11010519491231002x", "secret").value == "11010519491231002X"


def test_a_number_cell_rounded_by_excel_is_refused_not_guessed() -> None:
    rounded = exact(6.222021234567812e15, "secret")
    assert rounded.value == ""
    assert rounded.problem is not None
    assert "6222" not in rounded.problem
    assert exact(62220212345678, "secret").value == "62220212345678"  # an exact int cell
    assert exact(622202123456.0, "secret").value == "622202123456"  # within 15 digits


def test_a_bank_files_headers_name_the_personal_columns_only_where_they_exist() -> None:
    personal = KINDS["personal"]
    assert [resolve(personal, h) for h in ("账号", "证件号码", "户名", "开户银行")] == [
        "bank_account", "id_number", "name", "bank_name"]
    assert resolve(KINDS["entries"], "账号") is None

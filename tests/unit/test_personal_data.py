"""Personal details: masking, key wrapping, sealing bound to a person, crypto-shredding;
and the pure arithmetic of net pay (gross less withholding, recoveries never paid)."""

from __future__ import annotations

import base64
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from api.storage.keys import (
    KeyVault,
    create_master_key,
    load_master_key,
    seal,
    unseal,
    unwrap_key,
    wrap_key,
)
from domain.errors import InvalidRequestError
from domain.personal import mask_account, mask_id_number
from projections.payroll import payments, payroll_lines, unpaid_people

MASTER = bytes(range(32))


def test_an_account_is_masked_to_its_first_and_last_four_digits() -> None:
    assert mask_account("6222021234561234") == "6222 **** **** 1234"
    assert mask_account("6222 0212 3456 7812 34") == "6222 **** **** **** 1234"
    assert mask_account("62220212") == "****12"


def test_an_id_number_is_masked_but_its_first_three_and_last_characters() -> None:
    assert mask_id_number("43010219800101123X") == "430**************X"
    assert "19800101" not in mask_id_number("43010219800101123X")


def test_a_wrapped_key_opens_only_with_its_master_key_and_its_id() -> None:
    data_key = bytes(32)
    wrapped = wrap_key(MASTER, "a" * 32, data_key)
    assert data_key not in wrapped
    assert unwrap_key(MASTER, "a" * 32, wrapped) == data_key
    with pytest.raises(InvalidRequestError, match="the master key does not open this"):
        unwrap_key(bytes(32), "a" * 32, wrapped)
    with pytest.raises(InvalidRequestError):
        unwrap_key(MASTER, "b" * 32, wrapped)


def test_a_sealed_detail_opens_only_for_its_own_person_and_key() -> None:
    key = bytes(32)
    sealed = seal(key, "li", "k1", b"6222021234561234")
    assert b"6222" not in base64.b64decode(sealed)
    assert unseal(key, "li", "k1", sealed) == b"6222021234561234"
    assert unseal(key, "wang", "k1", sealed) is None  # copied onto someone else's event
    assert unseal(key, "li", "k2", sealed) is None


def test_destroying_a_persons_key_shreds_their_details_and_no_one_elses(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
           "SQLITE_DBNAME": str(tmp_path / "keys.db")}
    vault = KeyVault(env, MASTER)
    li_key, li_sealed = vault.seal("li", b"li's account")
    wang_key, wang_sealed = vault.seal("wang", b"wang's account")
    assert vault.unseal("li", li_key, li_sealed) == b"li's account"
    with sqlite3.connect(env["SQLITE_DBNAME"]) as connection:
        (wrapped,) = connection.execute("SELECT wrapped FROM jixiao_personal_keys WHERE "
                                        "employee_id = 'li'").fetchone()
    connection.close()
    assert bytes(wrapped) in (tmp_path / "keys.db").read_bytes()
    assert vault.destroy("li") == 1
    assert vault.unseal("li", li_key, li_sealed) is None
    assert vault.unseal("wang", wang_key, wang_sealed) == b"wang's account"
    # The wrapped key's bytes are gone from the database file (secure_delete).
    assert bytes(wrapped) not in (tmp_path / "keys.db").read_bytes()


def test_a_master_key_file_is_created_once_and_read_back(tmp_path: Path) -> None:
    path = str(tmp_path / "master.key")
    create_master_key(path)
    assert len(load_master_key(path)) == 32
    assert (tmp_path / "master.key").stat().st_mode & 0o077 == 0
    with pytest.raises(InvalidRequestError, match="exists already; it is not overwritten"):
        create_master_key(path)
    (tmp_path / "bad.key").write_text("not a key", encoding="ascii")
    with pytest.raises(InvalidRequestError, match="32"):
        load_master_key(str(tmp_path / "bad.key"))
    with pytest.raises(InvalidRequestError, match="JIXIAO_MASTER_KEY_FILE"):
        load_master_key(None)


def _person(employee_id: str, total: str, restatement: str = "0.00") -> dict[str, str]:
    pay = str(Decimal(total) - Decimal(restatement))
    return {"employee_id": employee_id, "name": employee_id, "department_id": "d",
            "pay": pay, "post_bonus": "0.00", "study_leave": "0.00",
            "restatement": restatement, "total": total}


STATEMENT = {"people": [_person("a", "1000.00"), _person("b", "300.00", "-200.00"),
                        _person("c", "-150.00", "-150.00"), _person("z", "0.00")]}


def test_a_recovery_is_its_own_payroll_line() -> None:
    lines = [(line.employee_id, line.title, line.gross_cny) for line in payroll_lines(STATEMENT)]
    assert ("b", "扣回（以前期间更正）", Decimal("-200.00")) in lines
    assert ("b", "绩效工资", Decimal("500.00")) in lines
    assert all(employee != "z" for employee, _, _ in lines)


def test_net_pay_is_gross_less_withholding_and_a_negative_net_is_recovered_not_paid() -> None:
    withheld = {"a": Decimal("100.00"), "b": Decimal("0.00"), "c": Decimal("0.00")}
    result = payments(STATEMENT, withheld)
    assert [(p.employee_id, p.net_cny) for p in result.paid] == [
        ("a", Decimal("900.00")), ("b", Decimal("300.00"))]
    assert [(p.employee_id, p.net_cny) for p in result.recoveries] == [("c", Decimal("-150.00"))]
    assert result.paid[1].recovered_cny == Decimal("200.00")
    # What the bank pays is the payable total less withholding, plus what is owed back.
    assert result.paid_total_cny == (result.gross_total_cny - result.withheld_total_cny
                                     + result.recovery_total_cny)


def test_anyone_paid_without_a_withholding_is_named() -> None:
    assert unpaid_people(STATEMENT, {"a": Decimal("1.00")}) == ["b", "c"]

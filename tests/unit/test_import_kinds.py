"""The import kinds a role is offered on the import page."""

from api.usecases.import_roles import import_kinds
from api.usecases.ports import Caller
from domain.users import User


def _caller(role: str) -> Caller:
    return Caller("u1", User(user_id="u1", name="u1", role=role,  # type: ignore[arg-type]
                             department_ids=frozenset(), employee_id=None,
                             token_sha256="0" * 64, disabled=False))


def test_finance_and_administrators_are_offered_personal_details_when_they_can_be_sealed() -> None:
    assert "personal" in import_kinds(_caller("finance"))
    assert "personal" in import_kinds(_caller("administrator"))
    assert "personal" not in import_kinds(_caller("department_head"))


def test_without_a_master_key_personal_details_are_not_offered() -> None:
    for role in ("finance", "administrator"):
        kinds = import_kinds(_caller(role), sealing=False)
        assert "personal" not in kinds
        assert kinds  # the others stay

"""The grading, procedure and sanction families are imported on first use
(domain/events.py), so the registries and per-type plans must answer as if they were
always there. tests/api/test_cli_startup.py checks that a pay what-if imports none."""

from __future__ import annotations

from eventsourcing.utils import get_topic, resolve_topic

from domain import access_log, close_review, events, passwords, personal, user_facts
from domain.check_plans import check_plan, policy_inputs
from domain.events import command_model, command_models, loaded_family
from domain.grading import GradingScheme
from domain.procedure_events import PROCEDURE_EVENTS
from domain.sanctions import GRADING_EVENTS, POLICY_INPUTS, SanctionRecorded
from domain.scheme import GRADING_KIND, PAY_SCHEME_KIND, HospitalPayScheme
from domain.scheme_kinds import SCHEME_KINDS


def test_every_command_type_is_found_as_in_the_whole_registry() -> None:
    assert command_models() == events.COMMAND_MODELS
    assert len(events.COMMANDS_BY_TYPE) == len(events.COMMAND_MODELS)
    for kind, model in events.COMMANDS_BY_TYPE.items():
        assert command_model(kind) is model, kind
    assert command_model("record_sanction") is not None
    assert command_model("no_such_command") is None
    assert {*GRADING_EVENTS, *PROCEDURE_EVENTS} <= set(events.EVENT_CLASSES.values())


def test_the_check_plans_know_each_family_once_it_is_imported() -> None:
    assert policy_inputs() == POLICY_INPUTS
    sanction = check_plan(SanctionRecorded)
    assert (sanction.grading, sanction.policy_input) == (True, True)
    for cls in PROCEDURE_EVENTS:
        assert (check_plan(cls).procedure, check_plan(cls).needs_scheme) == (True, False), cls
    for cls in GRADING_EVENTS:
        assert (check_plan(cls).grading, check_plan(cls).plain) == (True, False), cls
    plain = check_plan(events.ScoreRecorded)
    assert (plain.plain, plain.needs_scheme, plain.policy_input) == (True, True, False)


def test_a_family_not_imported_has_no_classes() -> None:
    assert loaded_family("domain.no_such_family", "EVENTS") == ()
    assert loaded_family("domain.sanctions", "GRADING_EVENTS") == GRADING_EVENTS


def test_the_scheme_kinds_look_their_models_up_on_use() -> None:
    assert sorted(SCHEME_KINDS) == sorted([PAY_SCHEME_KIND, GRADING_KIND])
    assert len(SCHEME_KINDS) == 2
    assert SCHEME_KINDS[PAY_SCHEME_KIND] is HospitalPayScheme
    assert SCHEME_KINDS[GRADING_KIND] is GradingScheme
    assert SCHEME_KINDS.get("no_such_kind") is None


def test_the_small_families_are_found_by_their_command_types() -> None:
    """domain/events.py's table of the families imported with their first command (the
    access log, the two-person close, passwords, payroll, users) names every command of
    each."""
    families = {access_log: access_log.ACCESS_COMMANDS,
                close_review: close_review.CLOSE_REVIEW_COMMANDS,
                passwords: passwords.PASSWORD_COMMANDS, personal: personal.PAYROLL_COMMANDS,
                user_facts: user_facts.USER_COMMANDS}
    found = {}
    for module, commands in families.items():
        for model in commands:
            kind = model.model_fields["type"].annotation.__args__[0]
            found[kind] = module.__name__
            assert command_model(kind) is model, kind
    assert found == events._FAMILY_OF


def test_a_command_made_on_first_use_is_the_registry_s_by_name_and_type() -> None:
    for kind in events._COMMANDS:
        name = "".join(part.capitalize() for part in kind.split("_"))
        model = getattr(events, name)
        assert model is command_model(kind) is events.COMMANDS_BY_TYPE[kind], kind
        assert (model.__name__, model.__module__) == (name, "domain.events")
    assert events.RecordScore in events.COMMAND_MODELS


def test_the_user_facts_keep_the_name_of_domain_events() -> None:
    """Made in domain/user_facts.py on first use, the user facts and commands are
    domain.events' by name, topic, pickle and registry place (after the pay facts, before
    the grading ones), as when that module declared them."""
    names = ("UserRegistered", "TokenRotated", "UserDisabled", "RegisterUser", "RotateToken",
             "DisableUser")
    for name in names:
        cls = getattr(events, name)
        assert cls is getattr(user_facts, name)
        assert (cls.__module__, cls.__qualname__) == ("domain.events", name)
        assert resolve_topic(get_topic(cls)) is cls
    classes = list(events.EVENT_CLASSES)
    at = classes.index("UserRegistered")
    assert classes[at - 1:at + 4] == ["AppealEscalated", "UserRegistered", "TokenRotated",
                                      "UserDisabled", "SubjectEnrolled"]
    models = [model.__name__ for model in events.COMMAND_MODELS]
    at = models.index("RegisterUser")
    assert models[at - 1:at + 3] == ["EscalateAppeal", "RegisterUser", "RotateToken",
                                     "DisableUser"]

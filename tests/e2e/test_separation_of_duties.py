"""Issue 14, item 8: a reviewer neither assigns an appeal to themselves nor decides one
they are a party to (the appellant, or the person of the contested entry)."""

from __future__ import annotations

import json
from uuid import uuid5

from builders import GOLDEN, cli_for

from domain.application import IDEMPOTENCY_NAMESPACE

LI_COMPLAINT = str(uuid5(IDEMPOTENCY_NAMESPACE, "ex1-li-complaint"))


def _hospital(store):  # type: ignore[no-untyped-def]
    cli = cli_for(store.backend, store.env)
    cli.ok("apply", str(GOLDEN / "example-1" / "commands.jsonl"))
    return cli


def _file(cli, appeal_id: str, *extra: str):  # type: ignore[no-untyped-def]
    return cli("appeal", "file", "--appeal-id", appeal_id, "--employee", "li", "--entry",
               LI_COMPLAINT, "--grounds", "withdrawn", "--received-on", "2026-04-01",
               "--filed-on", "2026-04-03", *extra)


def test_a_reviewer_cannot_assign_an_appeal_to_themselves(store) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    assert _file(cli, "A-1").code == 0
    run = cli("appeal", "assign", "A-1", "--reviewer", "reviewer-wu", "--actor", "reviewer-wu")
    assert run.code != 0
    assert "assign an appeal to themselves" in run.err
    assert cli.ok("appeal", "show", "A-1", "--json").json()["status"] == "filed"


def test_a_self_assignment_recorded_anyway_does_not_let_its_reviewer_decide(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    cli = _hospital(store)
    assert _file(cli, "A-1").code == 0
    # A JSON Lines file goes around the assign verb; the ledger still refuses the decision.
    rows = tmp_path / "self.jsonl"
    rows.write_text(json.dumps({"type": "assign_appeal", "appeal_id": "A-1", "level": 1,
                                "reviewer": "reviewer-wu"}) + "\n")
    cli.ok("apply", str(rows), "--actor", "reviewer-wu")
    run = cli("appeal", "decide", "A-1", "--outcome", "revoke", "--reason", "x",
              "--actor", "reviewer-wu")
    assert run.code == 2
    assert "assigned the appeal to themselves" in run.err
    cli.ok("appeal", "assign", "A-1", "--reviewer", "reviewer-wu", "--actor", "admin-zhou")
    cli.ok("appeal", "decide", "A-1", "--outcome", "revoke", "--reason", "x",
           "--actor", "reviewer-wu")


def test_the_person_of_the_contested_entry_is_a_party_and_may_not_review(store) -> None:  # type: ignore[no-untyped-def]
    cli = _hospital(store)
    # Filed by the department for li's complaint: li is not the appellant but is a party.
    run = cli("appeal", "file", "--appeal-id", "A-2", "--department", "internal", "--entry",
              LI_COMPLAINT, "--grounds", "withdrawn", "--received-on", "2026-04-01",
              "--filed-on", "2026-04-03")
    assert run.code == 0, run.err
    refused = cli("appeal", "assign", "A-2", "--reviewer", "li")
    assert refused.code == 2
    assert "is a party to the appeal" in refused.err

"""Every rule of every seed catalogue is accounted for: a shipped scheme implements it
(cites it with its seed line) or declares it not computable with the reason. The rules
not accounted for yet are listed in api/usecases/unaccounted_rules.json, and that list
only shrinks: a rule newly left unaccounted fails here, and a rule that gets accounted
for must leave the list (`python -m api.usecases.scheme_catalogue` removes it)."""

from __future__ import annotations

from api.usecases.scheme_catalogue import committed_unaccounted, coverage, unaccounted_rules

REGENERATE = "python -m api.usecases.scheme_catalogue"


def test_no_rule_is_newly_left_unaccounted() -> None:
    allowed = set(committed_unaccounted())
    newly = [r for r in unaccounted_rules(coverage()) if r not in allowed]
    assert newly == [], (
        f"catalogue rules neither implemented (a ref with rule and source) nor declared "
        f"not_computable (rule, source, why) by any shipped scheme: {newly}")


def test_the_list_of_unaccounted_rules_only_shrinks() -> None:
    current = set(unaccounted_rules(coverage()))
    accounted = [r for r in committed_unaccounted() if r not in current]
    assert accounted == [], (
        f"now accounted for, so no longer on api/usecases/unaccounted_rules.json: "
        f"{accounted}; run `{REGENERATE}`")


def test_an_uncited_rule_is_unaccounted_and_a_declared_one_is_not() -> None:
    index = {"schemes": [{"catalogue": "seeds-002", "seed": "002", "scheme": "16",
                          "title": "Salesperson",
                          "rules": ["S16-R01", "S16-R02", "S16-R03"]}], "examples": []}
    documents = {"sales": {"id": "sales", "not_computable": [
        {"rule": "S16-R02", "source": "002_db447562deed9801.txt:L2440", "why": "garbled"}],
        "pay": {"ref": {"rule": "S16-R01", "source": "002_db447562deed9801.txt:L2433"}}}}
    rows = coverage(index, documents)
    assert unaccounted_rules(rows) == ["002 16 S16-R03"]
    assert rows[0].to_json()["unaccounted"] == ["S16-R03"]

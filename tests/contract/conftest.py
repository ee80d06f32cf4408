"""Fixtures shared by the contract tests."""

from __future__ import annotations

import pytest

from api.storage.session import Session


@pytest.fixture
def folds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Per session closed: (events in the fold of every event, events the session held)."""
    seen: list[tuple[int, int]] = []
    close = Session.close

    def spied(self: Session) -> None:
        seen.append((self.ledger.held_events(), self.held_events))
        close(self)

    monkeypatch.setattr(Session, "close", spied)
    return seen

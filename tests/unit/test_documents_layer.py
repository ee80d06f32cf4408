"""api/documents is an output adapter beside api/storage: the use cases call it, so it
imports no use case and no shell (tests/test_architecture.py does not know the package;
this keeps its floor until the merge adds it there)."""

from __future__ import annotations

import import_graph


def test_documents_import_no_use_case_and_no_shell() -> None:
    wrong = [
        f"{edge.source} -> {edge.target} (line {edge.line})"
        for source, edges in import_graph.build_graph().items()
        if source.startswith("api.documents")
        for edge in edges
        if edge.target.startswith(("api.usecases", "api.cli", "api.http", "api.render"))
    ]
    assert not wrong

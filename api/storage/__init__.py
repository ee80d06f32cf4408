"""Storage adapters: the session over one store (ledger, statements view, hash chain),
the hash-chain table and the statements view on SQLite and PostgreSQL. They implement the
interfaces the layers above define (`projections.views.StatementView`,
`api.usecases.ports.Workspace`)."""

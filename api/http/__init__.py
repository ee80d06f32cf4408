"""The HTTP API: a FastAPI app over the same ledger and store as the CLI.

`app.create_app(settings)` builds it (nothing is built at import time); `jixiao serve`
runs it with uvicorn. Routes are thin: they parse, authenticate, then hand one use case
(`api/usecases/`) to the ledger thread (`runtime.py`), which runs it on the store's
session. Domain errors are mapped to status codes in one table (`errors.py`).
"""

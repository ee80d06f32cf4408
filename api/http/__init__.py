"""The HTTP API: a FastAPI app over the same ledger and store as the CLI.

`app.create_app(settings)` builds it (nothing is built at import time); `jixiao serve`
runs it with uvicorn. Routes are thin: they authenticate, then hand the work to the
ledger thread (`runtime.py`), which runs the service functions of `commands.py` and
`queries.py`. Domain errors are mapped to status codes in one table (`errors.py`).
"""

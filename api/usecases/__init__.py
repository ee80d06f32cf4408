"""The use cases: every operation of jixiao, once, for every shell (the CLI, the HTTP API,
later the web pages). Each takes the workspace (`ports.Workspace`: a ledger, its views
and its chain), the caller (`ports.Caller`) and a typed input, and returns a typed result
or raises one of the domain's errors, which each shell maps to its exit codes or statuses.

Business rules about who may write or read what live here (`access.py`), so every shell
gets them; authentication (tokens, headers) stays in the HTTP shell.
"""

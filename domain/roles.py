"""The roles a user of the HTTP API holds (domain/users.py says what each may do), below
both the user facts (domain/user_facts.py) and the directory they fold into."""

from __future__ import annotations

from typing import Literal

Role = Literal[
    "administrator", "finance", "department_head", "appeals_reviewer", "auditor", "employee"
]
ROLES: tuple[Role, ...] = (
    "administrator", "finance", "department_head", "appeals_reviewer", "auditor", "employee"
)
DEPARTMENTS_PER_HEAD_MAX = 64

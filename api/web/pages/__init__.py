"""The page routers, one module per concept; `api/web/router.py` adds them all."""

from __future__ import annotations

from fastapi import APIRouter

from api.web.pages import (
    auditor,
    charts,
    downloads,
    employee,
    finance,
    head,
    home,
    reviewer,
    scheme,
    signin,
)

ROUTERS: tuple[APIRouter, ...] = (
    signin.router, home.router, finance.router, employee.router, reviewer.router,
    head.router, auditor.router, scheme.router, charts.router,
    downloads.router,
)

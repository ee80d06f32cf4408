"""The web pages (issue 12): server-rendered Jinja2 templates with htmx, in the same
FastAPI app as the JSON API. A page calls the same use case as the CLI and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Final

STATIC_DIR: Final = Path(__file__).parent / "static"

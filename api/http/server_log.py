"""The server's own log lines (not uvicorn's) in the process's language: Chinese by
default, English under `JIXIAO_LANG=en` or `jixiao serve --lang en`, as the CLI reads.

A line is logged with its English message id and its values as logging's arguments
(`log.error(GONE_LOGGED, path)`, api/storage/served.py, which knows no language); it is
worded when written, by the formatter `jixiao serve` hands uvicorn's logging config. A
request's language (Accept-Language) is the caller's, and does not reach the log: the
administrator reads it."""

from __future__ import annotations

import copy
import logging
from typing import Any, Final

from api.i18n import N_, translations, use_language
from domain.errors import DomainError

# The English ids of the lines the server writes, for the catalogue (api.po), each as
# logged where it is written.
LOG_LINES: Final = (
    # api/storage/served.py: a request or /health finds the served SQLite file gone
    N_("jixiao serve: no ledger at %s any more (moved or deleted while serving); "
       "requests are answered 503 until a ledger is there again"),
    # api/storage/served.py: the next look finds a ledger at that path again
    N_("jixiao serve: a ledger is at %s again; requests are served"),
    # api/storage/served.py: a request finds no ledger in the served PostgreSQL schema
    N_("jixiao serve: no ledger in %s (no jixiao tables there), and the server makes "
       "none: requests are answered 503 until one is made there (`jixiao init`)"),
    # api/http/errors.py: a request answered 503 for a database out of reach; the value
    # is the error's own message (worded in the log's language too)
    N_("jixiao serve: %s; the request was answered 503"),
    # api/http/errors.py: a request answered 422 for a privilege the database role lacks
    # (the value is the error's own message, naming the role and the GRANT)
    N_("jixiao serve: %s; the request was answered 422"),
)
# The loggers of jixiao's own modules: what they write goes through the formatter.
OWN_LOGGERS: Final = ("api", "domain", "projections")


class WordedFormatter(logging.Formatter):
    """A record's message in `language`, its values filled in after the translation."""

    def __init__(self, fmt: str | None = None, language: str = "zh_CN") -> None:
        super().__init__(fmt)
        self.language = language

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.msg, str):
            record = copy.copy(record)  # another handler may word it otherwise
            record.msg = translations(self.language).gettext(record.msg)
            if isinstance(record.args, tuple) and any(
                    isinstance(arg, DomainError) for arg in record.args):
                record.args = tuple(self._worded(arg) for arg in record.args)
        return super().format(record)

    def _worded(self, value: object) -> object:
        """A domain error's message, logged as a value, in the log's language."""
        if not isinstance(value, DomainError):
            return value
        from api.i18n.messages import translate  # noqa: PLC0415 - only for such a line

        with use_language(self.language):
            return translate(str(value))


def logging_config(base: dict[str, Any], language: str) -> dict[str, Any]:
    """uvicorn's logging config (`base`, left as it is) with jixiao's own loggers written
    to stderr in `language`, as uvicorn's own lines are."""
    config = copy.deepcopy(base)
    config.setdefault("formatters", {})["jixiao"] = {
        "()": WordedFormatter, "fmt": "%(message)s", "language": language}
    config.setdefault("handlers", {})["jixiao"] = {
        "class": "logging.StreamHandler", "formatter": "jixiao", "stream": "ext://sys.stderr"}
    loggers = config.setdefault("loggers", {})
    for name in OWN_LOGGERS:
        loggers[name] = {"handlers": ["jixiao"], "level": "WARNING", "propagate": False}
    return config

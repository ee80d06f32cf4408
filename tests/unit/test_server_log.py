"""The server's own log lines (api/http/server_log.py) are worded in the process's
language: each line a module logs has its id in LOG_LINES, and so its Chinese in api.po."""

from __future__ import annotations

import logging

from api.http.server_log import LOG_LINES, WordedFormatter
from api.storage import served


def _worded(language: str, line: str = served.GONE_LOGGED,
            value: str = "/srv/jixiao.db") -> str:
    record = logging.LogRecord("api.storage.served", logging.ERROR, __file__, 1, line,
                               (value,), None)
    return WordedFormatter("%(message)s", language).format(record)


def test_the_served_ledger_gone_line_reads_in_the_process_language() -> None:
    assert served.GONE_LOGGED in LOG_LINES
    assert _worded("zh_CN") == ("jixiao serve：/srv/jixiao.db 处已没有账本（在服务期间被移走或"
                                "删除）；在那里重新有账本之前，请求一律答以 503")
    assert _worded("en") == ("jixiao serve: no ledger at /srv/jixiao.db any more (moved or "
                             "deleted while serving); requests are answered 503 until a "
                             "ledger is there again")


def test_the_no_ledger_in_the_database_line_reads_in_the_process_language() -> None:
    where = "postgresql://db:5432/pay schema jixiao"
    assert served.NONE_LOGGED in LOG_LINES
    assert _worded("zh_CN", served.NONE_LOGGED, where) == (
        f"jixiao serve：{where} 中没有账本（那里没有 jixiao 的表），服务器也不会新建：在那里"
        "建好账本（`jixiao init`）之前，请求一律答以 503")
    english = _worded("en", served.NONE_LOGGED, where)
    assert english.startswith(f"jixiao serve: no ledger in {where} (no jixiao tables")


def test_the_ledger_back_line_reads_in_the_process_language() -> None:
    assert served.BACK_LOGGED in LOG_LINES
    assert _worded("zh_CN", served.BACK_LOGGED) == (
        "jixiao serve：/srv/jixiao.db 处又有账本了；请求照常处理")
    assert _worded("en", served.BACK_LOGGED) == (
        "jixiao serve: a ledger is at /srv/jixiao.db again; requests are served")


def test_a_database_out_of_reach_is_logged_whole_in_the_process_language() -> None:
    """The 503's answer names no server, database or user (api/http/errors.py `as_told`):
    the log does, the error's own message worded in the log's language, not English in a
    Chinese line."""
    from api.http import errors  # noqa: PLC0415 - FastAPI: this test only
    from api.storage.postgres_options import UNREACHABLE  # noqa: PLC0415
    from domain.errors import DatabaseUnreachableError  # noqa: PLC0415

    told = DatabaseUnreachableError(UNREACHABLE.format(
        host="db", port=5432, database="ledgerdb", user="jixiao", reason="Connection refused"), 2)
    assert errors.DOWN_LOGGED in LOG_LINES
    record = logging.LogRecord("api.http.errors", logging.ERROR, __file__, 1,
                               errors.DOWN_LOGGED, (told,), None)
    assert WordedFormatter("%(message)s", "zh_CN").format(record) == (
        "jixiao serve：无法连接 PostgreSQL 服务器 db:5432（数据库 ledgerdb，用户 jixiao）："
        "Connection refused；请确认服务器已启动并接受连接。未写入任何内容；该请求已答以 503")
    assert WordedFormatter("%(message)s", "en").format(record) == (
        "jixiao serve: cannot connect to the PostgreSQL server at db:5432 (database ledgerdb, "
        "user jixiao): Connection refused; is it running and accepting connections? "
        "Nothing was written; the request was answered 503")

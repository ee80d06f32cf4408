"""`jixiao demo --serve` lists its accounts and where to open the pages in one language:
Chinese by default, English under `--lang en`, the roles worded as the pages word them."""

from __future__ import annotations

from api.cli.demo_serve import accounts_text
from api.i18n import use_language
from api.usecases.demo_accounts import DemoAccount

ACCOUNTS = [DemoAccount("admin", "管理员甲", "administrator", "pw-1", ""),
            DemoAccount("head", "科主任乙", "department_head", "pw-2", "internal")]


def test_the_accounts_read_in_chinese_by_default() -> None:
    assert accounts_text(ACCOUNTS, "127.0.0.1", 8000).splitlines() == [
        "", "演示账号（密码只显示这一次）：",
        "  管理员            admin      pw-1  管理员甲",
        "  科主任            head       pw-2  科主任乙  [internal]",
        "", "打开 http://127.0.0.1:8000/（按 Ctrl+C 停止）"]


def test_the_accounts_read_in_english_under_en() -> None:
    with use_language("en"):
        assert accounts_text(ACCOUNTS, "127.0.0.1", 8000).splitlines() == [
            "", "Demo accounts (the passwords are shown only this once):",
            "  Administrator     admin      pw-1  管理员甲",
            "  Department head   head       pw-2  科主任乙  [internal]",
            "", "Open http://127.0.0.1:8000/ (Ctrl+C to stop)"]

"""Amounts as people read them: ¥12,345.60 (babel, zh_CN) and in capitals (大写) as the
People's Bank's rules for filling in bills write them (cn2an's "rmb" mode).

cn2an already follows those rules on the cases checked in tests/unit/test_documents.py
(伍分; 壹拾元整; 壹拾万元零壹分; 壹拾亿元整; 元 followed by 零 when the 角 is zero and
the 分 is not). Two additions are ours: the 人民币 prefix the rules require, and 整 after
a closing 角, which the rules allow and the issue's example uses (…伍元陆角整)."""

from __future__ import annotations

from decimal import Decimal

import cn2an

# The figures are formatted once for every shell and document (api/i18n/formats.py).
from api.i18n.formats import fen, grouped
from api.i18n.formats import money as figures

__all__ = ["capitals", "fen", "figures", "grouped"]


def capitals(amount: Decimal) -> str:
    """人民币壹万贰仟叁佰肆拾伍元陆角整; a negative amount (a recovery) starts 人民币负."""
    amount = fen(amount)
    words = str(cn2an.an2cn(f"{abs(amount):.2f}", "rmb"))
    if words.endswith("角"):
        words += "整"
    return "人民币" + ("负" if amount < 0 else "") + words

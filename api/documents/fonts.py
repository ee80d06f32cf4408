"""The CJK font embedded in every PDF, found at run time.

WenQuanYi Zen Hei (Debian's fonts-wqy-zenhei, a TrueType collection) embeds and subsets
in fpdf2 and its text extracts again; Noto CJK ships as CFF collections that fpdf2 cannot
subset. `python3 dev.py setup` installs the package when it is missing."""

from __future__ import annotations

import os
from pathlib import Path

from domain.errors import DomainError

FONT_ENV = "JIXIAO_CJK_FONT"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
)


class FontMissingError(DomainError):
    """No CJK font to embed: a PDF cannot be written."""


def cjk_font() -> Path:
    override = os.environ.get(FONT_ENV)
    for candidate in ([override] if override else []) + list(CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontMissingError(
        "未找到可嵌入的中文字体 (no CJK font to embed in the PDF): install Debian's "
        "fonts-wqy-zenhei (`apt-get install fonts-wqy-zenhei`, or `python3 dev.py setup` as "
        f"root), or point ${FONT_ENV} at a TrueType font with Chinese glyphs")

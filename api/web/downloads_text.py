"""The CSV encodings a reader picks from on the download forms (the downloads page and
the auditor's event history), each named as the program that opens it knows it."""

from __future__ import annotations

from typing import Final

ENCODINGS: Final = (("utf-8-sig", "UTF-8 (BOM, Excel)"), ("gbk", "GBK (WPS / 旧版 Excel)"),
                    ("gb18030", "GB18030"), ("utf-8", "UTF-8"))

"""An import template as bytes to hand over (API and import page): the file
`jixiao template KIND` writes, made by the same use case with the same role rules and
lists (imports.template), read back from a scratch file."""

from __future__ import annotations

import os
import tempfile

from api.usecases.exports import MEDIA
from api.usecases.imports import TemplateRequest, template
from api.usecases.ports import Caller, Workspace
from domain.records import frozen_record

# The file's name as a clerk saves it: 导入模板-考评录入.xlsx.
TITLES = {"entries": "考评录入", "roster": "人员花名册", "withholding": "代扣个税",
          "personal": "个人信息", "departments": "科室", "pool": "绩效总额",
          "figures": "科室工作量与收支"}


@frozen_record
class TemplateFile:
    content: bytes
    media_type: str
    filename: str  # ASCII, for old clients: template-entries.xlsx
    title: str  # the human name: 导入模板-考评录入.xlsx


def template_file(ws: Workspace, caller: Caller, kind: str, fmt: str,
                  encoding: str = "utf-8-sig") -> TemplateFile:
    """The template of `kind` for `caller` (refused as imports.template refuses)."""
    handle, path = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    try:
        template(ws, caller, TemplateRequest(kind, fmt, path, encoding))
        with open(path, "rb") as made:
            content = made.read()
    finally:
        os.unlink(path)
    return TemplateFile(content, MEDIA[fmt], f"template-{kind}.{fmt}",
                        f"导入模板-{TITLES.get(kind, kind)}.{fmt}")

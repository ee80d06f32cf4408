"""`POST /imports/{kind}`: the spreadsheet import over HTTP, the same use case as
`jixiao import`, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from seeding import Served

ENTRIES = ("期间,工号,类别,项目,分钟\n"
           "2026-Q2,ｌｉ,deduction,late,40\n").encode("gbk")


def post_file(served: Served, role: str, kind: str, body: bytes, **params: Any) -> Any:
    return served.client.post(f"/imports/{kind}", headers=served.headers(role),
                              params=params or None, content=body)


def test_a_gbk_csv_is_imported_once_and_reported(served: Served) -> None:
    before = served.event_count()
    reply = post_file(served, "head", "entries", ENTRIES, filename="q2.csv")
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["format"], body["encoding"], body["rows"], body["recorded"]) == (
        "csv", "gb18030", 1, 1)
    assert body["warning_count"] == 1  # ｌｉ is li
    assert served.event_count() == before + 1
    again = post_file(served, "head", "entries", ENTRIES, filename="q2.csv")
    assert (again.status_code, again.json()["recorded"], again.json()["already_recorded"]) \
        == (201, 0, 1)
    assert served.event_count() == before + 1


def test_a_workbook_is_read_from_its_spool_and_its_warnings_read_in_the_callers_language(
        served: Served) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["期间", "工号", "类别", "项目", "分钟"])
    sheet.append(["2026-Q2", "ｌｉ", "deduction", "late", 40])
    data = io.BytesIO()
    book.save(data)
    reply = post_file(served, "head", "entries", data.getvalue(), filename="q2.xlsx")
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["format"], body["sheet"], body["rows"]) == ("xlsx", "Sheet", 1)
    assert body["recorded"] + body["already_recorded"] == 1  # the CSV's row, if it ran first
    assert body["warnings"] == ["Sheet 第 2 行 工号 (B)：全角字符已转为半角 'ｌｉ' → 'li'"]
    english = served.client.post("/imports/entries", params={"filename": "q2.xlsx"},
                                  headers={**served.headers("head"), "Accept-Language": "en"},
                                  content=data.getvalue())
    assert english.json()["warnings"] == [
        "Sheet row 2, 工号 (B): full-width characters normalised 'ｌｉ' → 'li'"]


def test_a_refused_file_names_row_and_column_and_writes_nothing(served: Served) -> None:
    before = served.event_count()
    body = "期间,工号,类别,项目,分钟\n2026-Q2,zhao,deduction,late,40\n".encode()
    reply = post_file(served, "head", "entries", body)
    assert reply.status_code == 422
    assert "row 2" in reply.text
    assert "未知员工 'zhao'" in reply.text
    corrupt = post_file(served, "head", "entries", b"PK\x03\x04broken",
                        filename="x.xlsx")
    assert corrupt.status_code == 422
    assert "文件已损坏" in corrupt.text
    assert served.event_count() == before


def test_the_callers_rights_apply(served: Served) -> None:
    before = served.event_count()
    assert post_file(served, "employee", "entries", ENTRIES).status_code == 403
    assert post_file(served, "anonymous", "entries", ENTRIES).status_code == 401
    assert served.event_count() == before


def test_finance_imports_a_departments_score_sheet_and_an_auditor_may_not(
        served: Served) -> None:
    """A department's sheet handed to the finance office: finance imports it, for any
    department (the rows are entries only); the other roles that read everything do not."""
    sheet = ("期间,工号,类别,项目,分钟\n"
             "2026-Q2,li,deduction,late,41\n2026-Q2,chen,deduction,late,42\n").encode("gbk")
    before = served.event_count()
    refused = post_file(served, "auditor", "entries", sheet, filename="科室.csv")
    assert refused.status_code == 403, refused.text
    assert served.event_count() == before
    reply = post_file(served, "finance", "entries", sheet, filename="科室.csv")
    assert reply.status_code == 201, reply.text
    assert reply.json()["recorded"] == 2
    assert served.event_count() == before + 2


def test_the_periods_setup_is_imported_by_the_roles_that_record_it(served: Served) -> None:
    """A ward (the administrator's), its quarter's pool and figures (finance's), from
    sheets with Chinese headers; a head may import none of them, and nothing is written
    when refused."""
    ward = "科室编号,科室名称,类型,风险系数,生效日期\nhttp_ward,HTTP 病区,临床,1,2026-07-01\n"
    pool = "期间,绩效总额\n2026-Q3,1234.50\n"
    figures = "期间,科室,基础工作量,实际工作量,医疗收入,全成本\n2026-Q3,http_ward,10,12,500,400\n"
    before = served.event_count()
    for role, kind, body in (("head", "departments", ward), ("finance", "departments", ward),
                             ("head", "pool", pool), ("administrator", "figures", figures)):
        refused = post_file(served, role, kind, body.encode("gbk"))
        assert refused.status_code == 403, (role, kind, refused.text)
    assert served.event_count() == before
    for role, kind, body in (("administrator", "departments", ward), ("finance", "pool", pool),
                             ("finance", "figures", figures)):
        reply = post_file(served, role, kind, body.encode("gbk"), filename=f"{kind}.csv")
        assert reply.status_code == 201, reply.text
        assert reply.json()["recorded"] == 1
    assert served.event_count() == before + 3
    bad = post_file(served, "finance", "figures", figures.replace(",400", ",0").encode("gbk"))
    assert bad.status_code == 422
    assert "row 2" in bad.text
    assert "全成本" in bad.text
    assert "须大于零" in bad.text
    assert served.event_count() == before + 3


def test_finance_may_not_hire_with_a_rosters_bank_columns_in_either_language(
        served: Served) -> None:
    """A roster with bank columns, from finance (who may read personal details but not
    hire): refused in the caller's language, one language a reply."""
    roster = ("工号,姓名,科室,职称,入职日期,开户行,银行账号,身份证号\r\n"
              "fin_hire,张三,internal,intermediate,2020-01-01,中国银行,6217000011112222,\r\n"
              ).encode("gbk")
    before = served.event_count()
    said = {}
    for language in ("zh-CN", "en"):
        reply = served.client.post("/imports/roster", params={"filename": "roster.csv"},
                                   headers={**served.headers("finance"),
                                            "Accept-Language": language}, content=roster)
        assert reply.status_code == 403, reply.text
        said[language] = reply.json()["error"]["message"]
    assert said == {"zh-CN": "财务人员不能登记员工：花名册由管理员导入",
                    "en": "a finance officer may not hire: the roster is an administrator's"}
    assert served.event_count() == before


def test_another_kinds_sheet_is_told_its_endpoint_and_no_secret_over_http(
        served: Served) -> None:
    """Over HTTP the hint names the endpoint, not the command line; a key-like cell is
    shown by its start only; each in the caller's language."""
    sheet = "发放期间,工号,代扣个税\n2026-Q2,li,1.00\n".encode()
    token = "sk_live_0123456789ab"
    keyed = f"期间,工号,类别,项目,分钟\n2026-Q2,li,deduction,late,{token}\n".encode()
    before = served.event_count()
    for language, said, refused in (
            ("zh-CN", "表头属于 代扣代缴，不属于 录入数据：请按 代扣代缴 导入"
                      "（POST /imports/withholding）", "不是数字：'sk_live_…'"),
            ("en", "the header is that of withholding, not of entries: import it as "
                   "withholding (POST /imports/withholding)", "not a number: 'sk_live_…'")):
        headers = {**served.headers("finance"), "Accept-Language": language}
        reply = served.client.post("/imports/entries", params={"filename": "w.csv"},
                                   headers=headers, content=sheet)
        assert reply.status_code == 422
        assert [p["reason"] for p in reply.json()["error"]["problems"]] == [said]
        assert "jixiao" not in reply.text
        reply = served.client.post("/imports/entries", params={"filename": "k.csv"},
                                   headers=headers, content=keyed)
        assert reply.status_code == 422
        assert [p["reason"] for p in reply.json()["error"]["problems"]] == [refused]
        assert token[8:] not in reply.text
    assert served.event_count() == before

"""Who may open which page and htmx fragment (the API's role × route matrix, extended to
the pages): a role outside a page's scope is refused with the API's reason, and nobody
reaches another department's or person's data by changing a URL. Also: sign-in, CSRF on
every state-changing request, the idle timeout and the sign-in limiter."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_support import Demo, csrf_of, login_token, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.session import Session
from api.usecases.appeals import FileAppeal, file_appeal
from api.usecases.audit import employee_history
from api.usecases.ports import Caller, today_utc
from api.web.pages import head

ROLES = ("admin", "finance", "head", "employee", "reviewer", "auditor")
EVERYTHING = {"admin", "finance", "reviewer", "auditor"}  # the roles that read everything
OWN_EMPLOYEE, COLLEAGUE, COLLEAGUE_NAME = "E0001", "E0002", "何晨杰"  # both in `internal`
STRANGER, STRANGER_NAME, OTHER_DEPARTMENT = "E0095", "江涛", "admin_office"
OTHER_APPEAL = "A-COLLEAGUE-1"

# (path, the roles answered 200; the others are refused with 403 or 404)
PAGES: tuple[tuple[str, set[str]], ...] = (
    ("/", set(ROLES)),
    ("/web/periods", EVERYTHING),
    ("/web/periods/2026-Q1", set(ROLES)),  # scoped to the reader's lines
    ("/web/periods/2026-Q1/reconciliation", EVERYTHING),
    ("/web/periods/2026-Q1/close", EVERYTHING),
    ("/web/me/statement", {"employee"}),
    ("/web/me/history", {"employee"}),
    ("/web/appeals/new", {"employee"}),
    ("/web/appeals", set(ROLES)),  # scoped to the appeals the reader may see
    (f"/web/appeals/{OTHER_APPEAL}", EVERYTHING | {"head"}),  # the head of its department
    (f"/web/appeals/{OTHER_APPEAL}/preview", EVERYTHING),  # the htmx fragment
    ("/web/entry?department=internal", EVERYTHING | {"head"}),
    (f"/web/entry?department={OTHER_DEPARTMENT}", EVERYTHING),
    ("/web/scheme", set(ROLES)),
    ("/web/audit", EVERYTHING),
    ("/web/audit/verify", EVERYTHING),
    ("/web/audit/as-of?period=2026-Q1&on=2026-12-31", set(ROLES)),  # scoped statement
    ("/web/charts/per-point", set(ROLES)),  # scoped to the departments the statement shows
)


@pytest.fixture(scope="module")
def clients(demo: Demo) -> dict[str, tuple[TestClient, str]]:
    with Session(demo.env) as session:
        entry = next(e for e in employee_history(session, Caller("demo"), COLLEAGUE, 0, 500)[
            "events"] if e["type"] == "ScoreRecorded")
        file_appeal(session, Caller("demo"), FileAppeal(
            OTHER_APPEAL, "另一位同事的申诉", today_utc(), today_utc(),
            appellant_employee_id=COLLEAGUE, contested_entry_id=entry["id"]))
    made = {}
    app = create_app(ServerSettings(store_env=demo.env))
    for role in ROLES:
        client = TestClient(app)
        made[role] = (client, sign_in(client, role, demo.passwords[role]))
    return made


@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[p for p, _ in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_only_its_pages(clients: dict[str, tuple[TestClient, str]],
                                        role: str, path: str, allowed: set[str]) -> None:
    client, _ = clients[role]
    answer = client.get(path, headers={"HX-Request": "true"} if "preview" in path else {})
    if role in allowed:
        assert answer.status_code == 200, answer.text[:800]
    else:
        assert answer.status_code in (403, 404), answer.text[:800]
        assert "Traceback" not in answer.text
        assert re.search(r"无权|未找到", answer.text), answer.text[:800]


def test_a_head_sees_only_their_department(clients: dict[str, tuple[TestClient, str]]) -> None:
    client, _ = clients["head"]
    page = client.get("/web/periods/2026-Q1").text
    assert COLLEAGUE_NAME in page
    assert STRANGER_NAME not in page
    assert client.get(f"/web/entry?department={OTHER_DEPARTMENT}").status_code == 404


def test_an_employee_sees_only_their_own_lines(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, _ = clients["employee"]
    for path in ("/web/periods/2026-Q1", "/web/me/statement?period=2026-Q1",
                 "/web/audit/as-of?period=2026-Q1&on=2026-12-31", "/web/appeals?all=true"):
        page = client.get(path).text
        assert COLLEAGUE_NAME not in page, path
        assert STRANGER_NAME not in page, path
        assert OTHER_APPEAL not in page
    assert "韦斌琳" in client.get("/web/me/statement?period=2026-Q1").text


def test_an_employee_cannot_appeal_a_colleagues_entry(
        clients: dict[str, tuple[TestClient, str]], demo: Demo) -> None:
    client, csrf = clients["employee"]
    with Session(demo.env) as session:
        theirs = employee_history(session, Caller("demo"), COLLEAGUE, 0, 500)["events"][-1]["id"]
    form = client.get("/web/appeals/new").text
    assert theirs not in form
    answer = client.post("/web/appeals/new", data={"csrf": csrf, "entry_id": theirs,
                                                   "grounds": "不是我的记录"})
    assert answer.status_code in (403, 404)
    assert "只能对本人的记录提出申诉" in answer.text
    assert "appeal only" not in answer.text
    english = client.post("/web/appeals/new", headers={"Accept-Language": "en"},
                          data={"csrf": csrf, "entry_id": theirs, "grounds": "not mine"})
    assert english.status_code == answer.status_code
    assert "You may appeal only your own entries" in english.text  # sentence case
    assert "只能对本人" not in english.text


def test_a_user_with_no_employee_is_told_in_one_language_where_to_look(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, _ = clients["finance"]
    chinese = client.get("/web/me/statement")
    assert chinese.status_code == 403
    assert "只有员工账号有本人工资条；财务和科室负责人请打开期间报表" in chinese.text
    assert "payslip" not in chinese.text
    english = client.get("/web/me/statement", headers={"Accept-Language": "en"})
    assert english.status_code == 403
    assert ("Only an employee user has their own payslip; finance and heads open a "
            "period&#39;s statement") in english.text
    assert "工资条" not in english.text


def test_a_head_cannot_preview_or_save_another_department(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, csrf = clients["head"]
    cell = {f"cell:{STRANGER}:quantity": "99", "period": "2026-Q4", "csrf": csrf}
    for path in ("/web/entry/preview", "/web/entry/save"):
        refused = client.post(path, data={**cell, "department": OTHER_DEPARTMENT})
        assert refused.status_code == 404, refused.text[:500]
        # Their own department named, a stranger's cell: the write check refuses the row.
        smuggled = client.post(path, data={**cell, "department": "internal"})
        assert smuggled.status_code == 403, smuggled.text[-1500:]
        assert f"{STRANGER} 不在 internal 科室的录入表中" in smuggled.text
        assert "grid" not in smuggled.text  # the refusal in one language
        english = client.post(path, data={**cell, "department": "internal"},
                              headers={"Accept-Language": "en"})
        assert english.status_code == 403
        assert f"{STRANGER}: not in the grid of department internal" in english.text
        assert "录入表" not in english.text


def test_state_changing_requests_need_the_csrf_token(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, csrf = clients["finance"]
    for sent in ({}, {"csrf": "forged"}):
        answer = client.post("/web/periods/2026-Q2/close", data={"action": "prepare", **sent})
        assert answer.status_code == 403
        assert "表单已失效" in answer.text
    head, _ = clients["head"]
    fragment = head.post("/web/entry/preview", data={"period": "2026-Q4",
                                                     "department": "internal"},
                         headers={"HX-Request": "true", "X-CSRF-Token": "forged"})
    assert fragment.status_code == 403
    state = client.get("/web/periods/2026-Q2/close").text
    assert "准备结账" in state  # still open: nothing was prepared
    assert client.post("/logout", data={}).status_code == 403  # sign-out too
    assert csrf  # the real token exists; the journeys use it


def test_signed_out_requests_go_to_the_sign_in_form(demo: Demo) -> None:
    with TestClient(create_app(ServerSettings(store_env=demo.env))) as client:
        page = client.get("/web/periods", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=/web/periods"
        fragment = client.get("/web/appeals", headers={"HX-Request": "true"},
                              follow_redirects=False)
        assert fragment.headers["HX-Redirect"].startswith("/login")
        form = client.get("/login")
        escaped = client.post("/login", data={
            "user_id": "finance", "password": demo.passwords["finance"],
            "login_token": login_token(form.text), "next": "//evil.example/"},
            follow_redirects=False)
        assert escaped.headers["location"] == "/"
        cookie = escaped.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie.replace("Strict", "strict")


def test_the_session_ends_after_the_idle_timeout(demo: Demo) -> None:
    now = [1000.0]
    settings = ServerSettings(store_env=demo.env, session_idle_s=60, clock=lambda: now[0])
    with TestClient(create_app(settings)) as client:
        sign_in(client, "auditor", demo.passwords["auditor"])
        now[0] += 59
        assert client.get("/web/audit", follow_redirects=False).status_code == 200
        now[0] += 61
        assert client.get("/web/audit", follow_redirects=False).status_code == 303


def test_wrong_passwords_are_counted_by_the_sign_in_limiter(demo: Demo) -> None:
    settings = ServerSettings(store_env=demo.env, auth_failures_per_account_max=3)
    with TestClient(create_app(settings)) as client:
        statuses = []
        for _ in range(4):
            form = client.get("/login")
            answer = client.post("/login", data={"user_id": "finance", "password": "wrong-one",
                                                 "login_token": login_token(form.text)})
            statuses.append(answer.status_code)
            assert "用户名或密码错误" in answer.text or "登录失败次数过多" in answer.text
        assert statuses == [401, 401, 401, 429]
    behind_tls = ServerSettings(store_env=demo.env, secure_cookies=True)
    with TestClient(create_app(behind_tls)) as client:
        assert "Secure" in client.get("/login").headers["set-cookie"]


def test_pages_follow_the_language_switch(clients: dict[str, tuple[TestClient, str]]) -> None:
    client, _ = clients["auditor"]
    assert "事件记录" in client.get("/web/audit").text
    client.get("/language/en?next=/web/audit")
    english = client.get("/web/audit").text
    assert "Event history" in english
    assert 'lang="en"' in english
    client.get("/language/zh_CN")
    assert csrf_of(client.get("/").text)


def test_the_preparer_of_a_close_cannot_approve_it(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, csrf = clients["finance"]
    # Periods close in order: a later quarter's preparation is refused while Q1 is open.
    later = client.post("/web/periods/2026-Q3/close", data={"action": "prepare",
                                                            "csrf": csrf})
    assert later.status_code == 409
    assert "不能准备 2026-Q3 的结账：2026-Q1、2026-Q2 尚未结账" in later.text
    prepared = client.post("/web/periods/2026-Q1/close", data={"action": "prepare",
                                                               "csrf": csrf})
    assert "须由另一人审批" in prepared.text
    refused = client.post("/web/periods/2026-Q1/close", data={"action": "approve",
                                                              "csrf": csrf})
    assert refused.status_code == 403
    assert "准备结账的人不能同时批准" in refused.text


def test_the_auditors_history_pages_through_a_large_ledger(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, _ = clients["auditor"]
    first = client.get("/web/audit?actor=demo").text
    positions = [int(p) for p in re.findall(r'<td class="num">(\d+)</td><td>2', first)]
    assert len(positions) > 5
    following = re.search(r'href="\?([^"]*after=\d+)"', first)
    assert following, "a ledger this size has a next page"
    second = client.get("/web/audit?" + following.group(1).replace("&amp;", "&")).text
    later = [int(p) for p in re.findall(r'<td class="num">(\d+)</td><td>2', second)]
    assert later
    assert min(later) > max(positions)
    assert "actor=demo" in following.group(1)  # the filters stay on the next page


HEADER = ("期间(period),工号(employee_id),类别(entry),项目(kind),次数(count),分钟(minutes),"
          "分值(points),应出勤天数(scheduled_days),原因(reason)\n")


def test_an_uploaded_sheet_is_refused_row_by_row_or_recorded(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    client, csrf = clients["head"]
    bad = HEADER + ("2026-Q4,E0002,deduction,late,1,10,,,迟到\n"
                    f"2026-Q4,{STRANGER},deduction,late,1,10,,,迟到\n"
                    "2026-Q4,E0003,deduction,late,x,10,,,迟到\n")
    refused = client.post("/web/import", data={"csrf": csrf, "kind": "entries"},
                          files={"sheet": ("扣分.csv", bad.encode("utf-8-sig"), "text/csv")})
    assert refused.status_code in (403, 422)
    problems = re.findall(r"<tr><td>(.*?)</tr>", refused.text, re.S)
    assert problems, refused.text[-1500:]
    assert any(STRANGER in p or "3" in p for p in problems)
    good = HEADER + "2026-Q4,E0002,deduction,late,1,10,,,迟到 10 分钟\n"
    recorded = client.post("/web/import", data={"csrf": csrf, "kind": "entries"},
                           files={"sheet": ("扣分.csv", good.encode("utf-8-sig"), "text/csv")})
    assert recorded.status_code == 200, recorded.text[-1500:]
    assert "记录 1 条" in recorded.text
    employee, employee_csrf = clients["employee"]
    assert employee.post("/web/import", data={"csrf": employee_csrf, "kind": "entries"},
                         files={"sheet": ("a.csv", good.encode(), "text/csv")}
                         ).status_code == 403


def test_the_page_says_the_template_example_row_was_skipped(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    """A row not recorded is said on the page as on the command line: the example row
    marked 示例 (or a row whose 幂等键 a clerk set to 示例) is skipped, not lost unsaid."""
    client, csrf = clients["head"]
    sheet = HEADER.replace("\n", ",幂等键(idempotency_key)\n") + (
        "2026-Q4,E0002,deduction,late,1,10,,,迟到 10 分钟,示例\n"
        "2026-Q4,E0003,deduction,late,1,5,,,迟到 5 分钟,\n")
    for language, said in ((None, "第 2 行：模板的示例行，已跳过"),
                           ("en", "row 2: the template&#39;s example row, skipped")):
        page = client.post("/web/import", data={"csrf": csrf, "kind": "entries"},
                           headers={"Accept-Language": language} if language else {},
                           files={"sheet": ("扣分.csv", sheet.encode("utf-8-sig"), "text/csv")})
        assert page.status_code == 200, page.text[-1500:]
        assert said in page.text, page.text[-1500:]


def test_the_page_tells_another_kinds_sheet_by_its_listed_kind_not_a_command(
        clients: dict[str, tuple[TestClient, str]]) -> None:
    """The page's list names the kinds: a withholding sheet uploaded as entries is told the
    kind to choose, with no command line to type."""
    client, csrf = clients["head"]
    sheet = "发放期间,工号,代扣个税\n2026-Q4,E0002,1.00\n"
    for language, said in ((None, "表头属于 代扣代缴，不属于 录入数据：请按 代扣代缴 导入<"),
                           ("en", "The header is that of withholding, not of entries: "
                                  "import it as withholding<")):
        page = client.post("/web/import", data={"csrf": csrf, "kind": "entries"},
                           headers={"Accept-Language": language} if language else {},
                           files={"sheet": ("w.csv", sheet.encode("utf-8-sig"), "text/csv")})
        assert page.status_code == 422, page.text[-1500:]
        assert said in page.text, page.text[-1500:]
        assert "jixiao import" not in page.text


def test_an_upload_is_spooled_to_a_file_refused_past_the_limit_and_never_left_behind(
        clients: dict[str, tuple[TestClient, str]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(head, "UPLOAD_PIECE", 64)
    read_from: list[tuple[str | None, bool]] = []
    import_sheet = head.imports.import_sheet

    def reading(ws: Any, caller: Caller, request: Any, **options: Any) -> Any:
        read_from.append((request.source.path, request.source.data is None))
        return import_sheet(ws, caller, request, **options)

    monkeypatch.setattr(head.imports, "import_sheet", reading)
    client, csrf = clients["head"]
    good = HEADER + "2026-Q4,E0002,deduction,late,1,10,,,迟到 12 分钟\n"
    recorded = client.post("/web/import", data={"csrf": csrf, "kind": "entries"},
                           files={"sheet": ("扣分.csv", good.encode("utf-8-sig"), "text/csv")})
    assert recorded.status_code == 200, recorded.text[-1500:]
    [(path, no_bytes)] = read_from  # the reader was given a file on disk, not the bytes
    assert path is not None
    assert Path(path).parent == tmp_path
    assert no_bytes
    monkeypatch.setattr(head, "UPLOAD_BYTES_MAX", len(good.encode("utf-8-sig")) - 1)
    refused = client.post("/web/import", data={"csrf": csrf, "kind": "entries"},
                          files={"sheet": ("扣分.csv", good.encode("utf-8-sig"), "text/csv")})
    assert refused.status_code >= 400
    assert "文件过大" in refused.text
    assert list(tmp_path.iterdir()) == []

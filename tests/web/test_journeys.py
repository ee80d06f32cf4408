"""One journey per role in a real browser (Debian's Chromium), in Chinese: sign in, do
the main job, see the result. Each journey has its own copy of the demo ledger and finds
there what it needs done before it (journey_support.Ledger, through the same use cases
as the pages): finance closes 2026-Q1 with two people, a head enters a score, an
employee appeals a 2026-Q1 entry, a reviewer previews and decides it, finance sees the
restatement, and an auditor finds the decision and the statement as known before it. So
any one passes alone and in any order.

Each role's main page is saved as a screenshot: into $JIXIAO_SCREENSHOTS when set (the
committed ones in docs/screenshots/ are made so), else into the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from journey_support import CHANGED_POINTS, Ledger, served
from web_support import Demo, copy_demo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    target = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def own_demo(demo_master: Demo, tmp_path: Path) -> Demo:
    """This journey's own copy of the demo ledger."""
    return copy_demo(demo_master, tmp_path)


@pytest.fixture
def ledger(own_demo: Demo) -> Ledger:
    """Writes what the journey needs done before it; only before its first sign-in."""
    return Ledger(own_demo.env)


@pytest.fixture
def open_as(browser: Any, own_demo: Demo) -> Iterator[Any]:
    """Signs a role in; the first sign-in starts the server on the ledger as set up."""
    with ExitStack() as stack:
        base: list[str] = []

        def signed_in(user: str, viewport: dict[str, int] = DESKTOP) -> Any:
            if not base:
                base.append(stack.enter_context(served(own_demo.env)))
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            stack.callback(context.close)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base[0]}/login")
            page.get_by_label("用户名").fill(user)
            page.get_by_label("密码").fill(own_demo.passwords[user])
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{base[0]}/")
            page.base = base[0]
            page.errors = errors
            return page

        yield signed_in


def status_of(page: Any) -> str:
    return str(page.get_by_role("status").inner_text())


def test_finance_prepares_and_a_second_person_approves(open_as: Any, shots: Path) -> None:
    clerk = open_as("finance")
    clerk.goto(f"{clerk.base}/web/periods/2026-Q1/close")
    clerk.get_by_role("button", name="准备结账").click()
    assert "须由另一人审批" in status_of(clerk)
    assert "您是准备人" in clerk.content()  # the preparer is told they cannot approve
    assert clerk.get_by_role("button", name="审批并结账").count() == 0
    second = open_as("finance2")
    assert "2026年第1季度" in second.locator(".tile").first.inner_text()
    second.goto(f"{second.base}/web/periods/2026-Q1/close")
    second.get_by_role("button", name="审批并结账").click()
    assert "已结账" in status_of(second)
    second.goto(f"{second.base}/web/periods")
    assert "已结账" in second.locator("tbody tr").first.inner_text()
    second.screenshot(path=str(shots / "finance-periods.png"), full_page=True)
    assert not second.errors


def test_a_head_enters_a_score_and_sees_the_preview(open_as: Any, shots: Path) -> None:
    head = open_as("head")
    head.goto(f"{head.base}/web/entry?period=2026-Q4")
    cell = head.get_by_label(re.compile(r"韦斌琳 工作量"))
    cell.fill("60")
    preview = head.locator("#entry-preview")
    preview.get_by_text("1 个单元格有修改").wait_for()
    assert "韦斌琳" in preview.inner_text()
    head.screenshot(path=str(shots / "head-entry.png"), full_page=True)
    head.get_by_label("修改原因").fill("补录门诊量")
    head.get_by_role("button", name="保存").click()
    assert "已保存：记录了 1 条" in status_of(head)
    assert head.get_by_label(re.compile(r"韦斌琳 工作量")).input_value() == "60"
    assert not head.errors


def test_an_employee_reads_the_payslip_and_files_an_appeal(open_as: Any, shots: Path) -> None:
    employee = open_as("employee", PHONE)
    employee.goto(f"{employee.base}/web/me/statement?period=2026-Q1")
    assert "¥" in employee.locator(".amount").inner_text()
    node = employee.locator("details.tree").first
    for _ in range(20):  # fold open level by level, down to a rule of the scheme
        node.locator(":scope > summary").click()
        children = node.locator(":scope > details.tree")
        if children.count() == 0:
            break
        node = children.first
    rule = node.locator(":scope > .rule").inner_text()
    assert "S11-" in rule
    assert ".txt:L" in rule  # its seed line
    assert employee.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    employee.screenshot(path=str(shots / "employee-payslip.png"), full_page=True)
    employee.goto(f"{employee.base}/web/appeals/new")
    choice = next(text for text in employee.locator("#entry_id option").all_inner_texts()
                  if "2026年第1季度" in text and "分数记录" in text)
    employee.select_option("#entry_id", label=choice)
    employee.get_by_label("申诉理由").fill("第一季度门诊量漏记了两周。")
    employee.get_by_role("button", name="提交申诉").click()
    assert "您的申诉已提交" in status_of(employee)
    appeal = employee.url.rsplit("/", 1)[-1].split("?")[0]
    employee.goto(f"{employee.base}/web/appeals")
    assert appeal in employee.content()
    assert not employee.errors


def test_a_reviewer_previews_and_decides(ledger: Ledger, open_as: Any, shots: Path) -> None:
    ledger.close_q1()
    appeal = ledger.file_appeal()
    assigner = open_as("reviewer2")
    assigner.goto(f"{assigner.base}/web/appeals/{appeal}")
    assigner.select_option("#reviewer", "reviewer")
    assigner.get_by_role("button", name="指派").click()
    assert "申诉已指派" in status_of(assigner)
    reviewer = open_as("reviewer")
    reviewer.goto(f"{reviewer.base}/web/appeals")
    row = reviewer.locator("tbody tr", has_text=appeal)
    assert re.search(r"\d", row.locator("td").last.inner_text())  # working days left
    reviewer.screenshot(path=str(shots / "reviewer-queue.png"), full_page=True)
    reviewer.goto(f"{reviewer.base}/web/appeals/{appeal}")
    reviewer.get_by_label("修改数值").check()
    reviewer.get_by_label("新数值").fill(CHANGED_POINTS)
    reviewer.get_by_label("新数值").dispatch_event("change")
    preview = reviewer.locator("#preview")
    # Each change of the form asks again; the answer for the new value names the person.
    preview.locator("tbody tr", has_text="韦斌琳").wait_for()
    assert "差额合计" in preview.inner_text()
    reviewer.screenshot(path=str(shots / "reviewer-case.png"), full_page=True)
    reviewer.get_by_label("决定理由").fill("核对门诊日志，工作量应为 48 分。")
    reviewer.get_by_role("button", name="记录决定").click()
    assert "决定已记录" in status_of(reviewer)
    assert not reviewer.errors


def test_finance_sees_the_restatement(ledger: Ledger, open_as: Any, shots: Path) -> None:
    ledger.close_q1()
    ledger.decide(ledger.file_appeal())
    clerk = open_as("finance")
    clerk.goto(f"{clerk.base}/web/periods")
    assert "已重算" in clerk.locator("tbody tr").first.inner_text()
    clerk.goto(f"{clerk.base}/web/periods/2026-Q1/restated")
    table = clerk.locator("table").inner_text()
    assert "韦斌琳" in table
    assert "2026年第2季度" in clerk.content()  # the open period that carries it
    clerk.screenshot(path=str(shots / "finance-restatement.png"), full_page=True)
    clerk.goto(f"{clerk.base}/web/periods/2026-Q1/reconciliation")
    assert "0.00" in clerk.locator(".ok").inner_text()


def test_an_auditor_filters_the_history_and_sees_the_statement_before_the_appeal(
        ledger: Ledger, open_as: Any, shots: Path) -> None:
    ledger.close_q1()
    ledger.decide(ledger.file_appeal())
    auditor = open_as("auditor")
    auditor.goto(f"{auditor.base}/web/audit")
    auditor.get_by_label("事件类型").fill("decide_appeal")
    auditor.get_by_role("button", name="筛选").click()
    # The form is a GET: count the rows of the filtered page once it has loaded, not of
    # whatever the browser holds mid-navigation (a busy CI machine counted 0).
    auditor.wait_for_url(re.compile(r"[?&]type=decide_appeal"))
    rows = auditor.locator("tbody tr")
    assert rows.count() == 1
    assert "AppealDecided" in rows.first.inner_text()
    auditor.screenshot(path=str(shots / "auditor-history.png"), full_page=True)
    before = ledger.marks["before_decision"]

    def restatement_of_e0001(path: str) -> str:
        auditor.goto(f"{auditor.base}{path}")
        return str(auditor.locator("tbody tr", has_text="韦斌琳").inner_text())

    then = restatement_of_e0001(f"/web/audit/as-of?period=2026-Q2&on={before}")
    now = restatement_of_e0001("/web/audit/as-of?period=2026-Q2&on=2099-01-01T00:00:00")
    assert then != now  # the restatement reached 2026-Q2 after the decision
    auditor.goto(f"{auditor.base}/web/audit/diff?period=2026-Q2&start={before}")
    changed = auditor.locator("tbody tr", has_text="韦斌琳").inner_text()
    assert "¥0.00" not in changed.split("\t")[3], changed  # its delta, with its events
    auditor.goto(f"{auditor.base}/web/audit/verify")
    assert "哈希链完整" in status_of(auditor)
    auditor.goto(f"{auditor.base}/web/audit/verify")  # nothing moved: the same walk shown
    assert "那次验证的结果" in auditor.locator("#verified-at").inner_text()
    auditor.screenshot(path=str(shots / "auditor-verify.png"), full_page=True)


MARKED_POINTS = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("per-point-chart"));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  const scales = [];
  for (let i = 0; i < data.count(); i++) {
    const symbol = data.getItemGraphicEl(i);
    const path = symbol && symbol.childAt(0);
    scales.push(path && !path.invisible ? Math.min(path.scaleX, path.scaleY) : 0);
  }
  // A marker still growing in (or not yet there) is smaller than the full-size ones.
  const full = Math.max(...scales);
  const marked = scales.filter((s) => s > 0 && s === full).length;
  return {points: data.count(), marked: marked, animation: chart.getOption().animation};
}"""


def test_every_quarter_of_the_per_point_chart_is_marked_at_once(open_as: Any,
                                                                 shots: Path) -> None:
    """The chart is drawn whole as soon as the page is there: no point (the last quarter
    was the one seen) waits for an animation to get its marker."""
    clerk = open_as("finance")
    clerk.goto(f"{clerk.base}/web/charts/per-point")
    clerk.locator("#per-point-chart canvas").wait_for()
    drawn = clerk.evaluate(MARKED_POINTS)
    assert drawn["points"] == 4  # the demo year's quarters
    assert drawn == {"points": 4, "marked": 4, "animation": False}
    clerk.screenshot(path=str(shots / "finance-per-point.png"), full_page=True)
    assert not clerk.errors

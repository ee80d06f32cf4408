"""The downloads page (issue 13 point 3): each role is offered exactly the files its role
rules give it, each offered file downloads, each file not offered is refused; the payroll
file masks ID numbers as the API's does; the auditor's filters reach the events file;
finance imports a department's score sheet, and a refused upload lists its rows in the
clerk's words, without entry ids or command names."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from journey_support import Ledger
from web_support import Demo, sign_in

from api.http.app import create_app
from api.http.settings import ServerSettings
from api.storage.keys import create_master_key, open_vault
from api.storage.session import Session
from api.usecases import download_offers
from api.usecases.personal import PersonalDetails, record_personal_details
from api.usecases.ports import Caller

ROLES = ("admin", "finance", "head", "employee", "reviewer", "auditor")
EVERYTHING = {"admin", "finance", "reviewer", "auditor"}
PERIOD = "2026-Q1"
FILES = ("statement", "reconciliation", "figures", "payroll", "events")
# What each role is offered for an open period of the demo (no grading scheme, no
# decided appeal; the bank file is offered to finance and administrators with its reason
# why not yet).
OFFERED = {role: ({*FILES, "payslips"} if role in EVERYTHING else {"statement", "figures"})
           for role in ROLES}
PERSON, ID_NUMBER = "E0001", "11010519491231002X"  # the standard's own example number


@pytest.fixture(scope="module")
def clients(demo: Demo, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, TestClient]:
    key = str(tmp_path_factory.mktemp("key") / "master.key")
    create_master_key(key)
    with Session(demo.env) as session:
        record_personal_details(session, Caller("demo"), open_vault(demo.env, key),
                                PersonalDetails(PERSON, "中国工商银行", "6222020200001234567",
                                                ID_NUMBER))
    app = create_app(ServerSettings(store_env=demo.env, master_key_file=key))
    made = {}
    for role in ROLES:
        client = TestClient(app)
        sign_in(client, role, demo.passwords[role])
        made[role] = client
    return made


def offered(client: TestClient) -> dict[str, str]:
    """What the page offers: each file's form (or link) address."""
    page = client.get(f"/web/downloads?period={PERIOD}")
    assert page.status_code == 200, page.text[-800:]
    found = {}
    for section in page.text.split("<section")[1:]:
        what = re.match(r' class="card" id="offer-(\w+)"', section)
        assert what, section[:200]
        address = re.search(r'(?:action|href)="([^"]+)"', section)
        found[what.group(1)] = address.group(1) if address else ""
    return found


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_the_files_of_its_role(clients: dict[str, TestClient],
                                                    role: str) -> None:
    offers = offered(clients[role])
    bank = offers.pop("bank", None)
    assert set(offers) == OFFERED[role]
    # the bank file: finance's and administrators'; an open period is not paid yet
    assert (bank is not None) == (role in {"admin", "finance"})
    assert bank in (None, "")


@pytest.mark.parametrize("role", ["finance", "head"])
def test_each_offered_file_downloads_and_each_other_is_refused(
        clients: dict[str, TestClient], role: str) -> None:
    client = clients[role]
    offers = set(offered(client)) - {"payslips", "bank"}  # payslips below; bank: open
    for what in offers:
        answer = client.get(f"/web/downloads/{PERIOD}/file/{what}?format=csv&encoding=gb18030")
        assert answer.status_code == 200, (what, answer.text[-800:])
        assert answer.headers["content-type"] == "text/csv; charset=gb18030"
        assert "filename*=UTF-8''" in answer.headers["content-disposition"]
        answer.content.decode("gb18030")  # the encoding chosen is the file's
    for what in {*FILES, "bank"} - offers:
        refused = client.get(f"/web/downloads/{PERIOD}/file/{what}?format=csv")
        if role == "finance":  # finance's bank file: refused until the period is closed
            assert (what, refused.status_code) == ("bank", 422), refused.text[-800:]
            assert "尚未结账" in refused.text
        else:
            assert refused.status_code in (403, 404), (what, refused.status_code)
        assert "Traceback" not in refused.text


def test_payslips_come_zipped_or_by_department_and_only_for_whole_readers(
        clients: dict[str, TestClient]) -> None:
    one = clients["finance"].get(f"/web/downloads/{PERIOD}/payslips?format=pdf"
                                 "&department=internal")
    assert one.status_code == 200, one.text[-800:]
    assert one.content.startswith(b"%PDF")
    bundle = clients["auditor"].get(f"/web/downloads/{PERIOD}/payslips?format=xlsx")
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert f"工资条-{PERIOD}-内科.xlsx" in names  # by department name
    assert len(names) > 1
    assert clients["head"].get(f"/web/downloads/{PERIOD}/payslips").status_code == 403
    missing = clients["finance"].get(f"/web/downloads/{PERIOD}/payslips?department=nowhere")
    assert missing.status_code == 404
    assert "没有科室" in missing.text


def _id_cell(client: TestClient) -> str:
    answer = client.get(f"/web/downloads/{PERIOD}/file/payroll?format=xlsx")
    assert answer.status_code == 200, answer.text[-800:]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).worksheets[0]
    rows = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
    return next(cell for row in rows if PERSON in row for cell in row
                if cell.endswith("002X") or "*" in cell)


def test_the_payroll_file_shows_id_numbers_whole_to_finance_only(
        clients: dict[str, TestClient]) -> None:
    assert _id_cell(clients["finance"]) == ID_NUMBER
    masked = _id_cell(clients["auditor"])
    assert masked != ID_NUMBER
    assert "*" in masked
    assert ID_NUMBER[6:14] not in masked  # the birth date is not shown


def test_the_auditors_filters_reach_the_events_file(clients: dict[str, TestClient]) -> None:
    client = clients["auditor"]
    page = client.get(f"/web/audit?period={PERIOD}&type=record_score").text
    form = re.search(r'action="(/web/downloads/[^"]+/file/events)"(.*?)</form>', page, re.S)
    assert form, page[-1500:]
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    assert hidden == {"type": "record_score"}

    def rows(query: str) -> list[list[str]]:
        answer = client.get(f"{form.group(1)}?format=csv{query}")
        assert answer.status_code == 200, answer.text[-800:]
        return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))

    every, scores = rows(""), rows("&type=record_score")
    assert 1 < len(scores) < len(every)


CSV_HEADER = "期间,工号,类别,项目,次数,分钟,原因\n"


def _upload(client: TestClient, text: str) -> tuple[int, str]:
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/web/import").text)
    assert csrf
    answer = client.post("/web/import", data={"csrf": csrf.group(1), "kind": "entries"},
                         files={"sheet": ("科室扣分.csv", text.encode("gbk"), "text/csv")})
    return answer.status_code, answer.text


def test_finance_imports_a_departments_sheet_and_refusals_read_as_a_clerk_reads(
        clients: dict[str, TestClient]) -> None:
    page = clients["finance"].get("/web/import").text
    assert '<option value="entries"' in page
    assert '<option value="personal"' in page  # the server has a master key
    two_departments = CSV_HEADER + ("2026-Q4,E0002,扣分,late,1,10,迟到\n"
                                    "2026-Q4,E0095,扣分,late,1,35,迟到\n")
    status, text = _upload(clients["finance"], two_departments)
    assert status == 200, text[-1500:]
    assert "记录 2 条" in text
    status, text = _upload(clients["head"], CSV_HEADER + "2026-Q4,E0095,扣分,late,2,12,迟到\n")
    assert status == 403
    refused = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", text)
    assert refused == [("第 2 行", "工号", refused[0][2])]
    assert "E0095" in refused[0][2]
    assert "admin_office" not in text  # the department id is not the clerk's to read
    status, text = _upload(clients["head"], CSV_HEADER + "2026-Q1,E9999,扣分,late,1,10,迟到\n")
    assert status == 422
    assert "名册中没有" in text
    assert "hire_employee" not in text


def test_a_value_recorded_already_is_refused_without_the_entry_id(
        clients: dict[str, TestClient]) -> None:
    score = "期间,工号,类别,项目,分值\n2026-Q1,E0002,评分,quantity,1\n"
    status, text = _upload(clients["finance"], score)
    assert status == 422, text[-1500:]
    assert "该项已录入" in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)  # no entry id


def test_a_closed_period_adds_its_restatement_the_bank_file_and_decision_letters(
        clients: dict[str, TestClient], demo: Demo) -> None:
    """Last in this module: it closes 2026-Q1 and decides an appeal of the employee's."""
    ledger = Ledger(demo.env)
    ledger.close_q1()
    appeal = ledger.file_appeal()
    ledger.decide(appeal)
    finance = offered(clients["finance"])
    assert {"restatement", "bank", "letters"} <= set(finance)
    assert finance["bank"].endswith("/file/bank")  # a form now, no longer a reason why not
    # refused while payroll has reported no withholding: one line for everyone, no CLI verb
    bank = clients["finance"].get(f"/web/downloads/{PERIOD}/file/bank?format=csv")
    assert bank.status_code == 422
    lines = re.findall(r"<li>(.*?)</li>", bank.text, re.S)
    assert len(lines) == 1, lines
    assert "代扣个税" in lines[0]
    assert "jixiao" not in lines[0]
    assert "restatement" not in offered(clients["head"])
    own = offered(clients["employee"])
    assert own["letters"] == "/web/downloads/letters"
    letter = clients["employee"].get(f"/web/downloads/letters?appeal={appeal}")
    assert letter.status_code == 200, letter.text[-800:]
    assert letter.content.startswith(b"%PDF")
    # the appellant's head sees the appeal, so its letter
    assert "letters" in offered(clients["head"])
    assert f"appeal={appeal}" in clients["head"].get(f"/web/downloads?period={PERIOD}").text
    restated = clients["auditor"].get(f"/web/downloads/{PERIOD}/file/restatement?format=xlsx")
    assert restated.status_code == 200, restated.text[-800:]
    bundle = clients["employee"].get("/web/downloads/letters")
    assert zipfile.ZipFile(io.BytesIO(bundle.content)).namelist() == [f"复核决定书-{appeal}.pdf"]
    case = clients["reviewer"].get(f"/web/appeals/{appeal}").text
    assert f'href="/web/downloads/letters?appeal={appeal}"' in case  # on the decided case


def test_a_mistyped_address_is_refused_in_chinese(clients: dict[str, TestClient]) -> None:
    client = clients["finance"]
    for path, words in ((f"/web/downloads/{PERIOD}/file/statement?format=docx", "格式"),
                        (f"/web/downloads/{PERIOD}/file/statement?format=csv&encoding=latin1",
                         "编码"),
                        ("/web/downloads/2026-Q9/file/statement", "不是期间"),
                        ("/web/downloads?period=2026-Q9", "不是期间")):
        answer = client.get(path)
        assert answer.status_code == 422, (path, answer.status_code)
        assert words in answer.text, path


CJK = re.compile(r"[\u4e00-\u9fff]")
# The statement file's money columns (docs/spreadsheets.md): named in either language.
STATEMENT_COLUMNS = ("应发金额", "代扣个税", "实发金额")


def _titles_and_notes(client: TestClient, language: str) -> list[tuple[str, str]]:
    client.get(f"/language/{language}")
    page = client.get(f"/web/downloads?period={PERIOD}")
    assert page.status_code == 200, page.text[-800:]
    return re.findall(r'<section class="card" id="offer-\w+">\s*<h2>([^<]*)</h2>\s*'
                      r'(?:<p class="muted">([^<]*)</p>)?', page.text)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_files_are_titled_and_described_in_the_readers_language(
        clients: dict[str, TestClient], demo: Demo, language: str) -> None:
    """The titles and remarks were Chinese on the English page (issue of pages46)."""
    with TestClient(clients["finance"].app) as client:
        sign_in(client, "finance", demo.passwords["finance"])
        shown = _titles_and_notes(client, language)
    assert len(shown) >= 6, shown
    assert all(title for title, _ in shown), shown
    texts = [html_text for pair in shown for html_text in pair if html_text]
    statement_title, statement_note = shown[0]
    if language == "en":
        # English only, but for the file's own words (its column headings, its 草稿 mark)
        leftover = [CJK.findall(re.sub("|".join((*STATEMENT_COLUMNS, "草稿")), "", t))
                    for t in texts]
        assert not any(leftover), texts
        assert statement_title == "Performance pay statement"
    else:
        assert all(CJK.search(t) for t in texts), texts
        assert statement_title == "绩效工资发放表"
    assert all(column in statement_note for column in STATEMENT_COLUMNS), statement_note


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_file_without_a_title_is_headed_by_its_kind(
        clients: dict[str, TestClient], demo: Demo, language: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind of file offered before the page has words for it: its heading was empty."""
    offers = download_offers.offers

    def with_an_untitled_one(*args: Any, **kwargs: Any) -> list[download_offers.Offer]:
        return [*offers(*args, **kwargs), download_offers.Offer("roster", ("csv",), True)]

    monkeypatch.setattr(download_offers, "offers", with_an_untitled_one)
    with TestClient(clients["finance"].app) as client:
        sign_in(client, "finance", demo.passwords["finance"])
        shown = _titles_and_notes(client, language)
    assert shown[-1] == ("roster", ""), shown
    assert all(title for title, _ in shown), shown


@pytest.mark.parametrize(("language", "reason"), [
    # the kind's id begins the reason: left as the ledger spells it, not 「Late is …」
    ("en", "late is banded by minutes: give minutes"),
    # the kind's id, not 「逾期」 (overdue: a procedure's word, api/i18n/grades.py)
    ("zh_CN", "late 按分钟分档：请给出分钟数")])
def test_a_refused_rows_reason_keeps_the_id_it_begins_with(
        clients: dict[str, TestClient], demo: Demo, language: str, reason: str) -> None:
    with TestClient(clients["finance"].app) as client:
        sign_in(client, "finance", demo.passwords["finance"])
        client.get(f"/language/{language}")
        status, text = _upload(client, CSV_HEADER + "2026-Q4,E0002,扣分,late,1,,迟到\n")
    assert status == 422, text[-1500:]
    cells = re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td></tr>", text)
    assert cells == [reason], text[-1500:]


@pytest.mark.parametrize(("language", "gbk"), [("en", "GBK (WPS / older Excel)"),
                                               ("zh_CN", "GBK (WPS / 旧版 Excel)")])
def test_the_csv_encodings_are_named_in_the_readers_language(
        clients: dict[str, TestClient], demo: Demo, language: str, gbk: str) -> None:
    """The English page offered 「GBK (WPS / 旧版 Excel)」 (the downloads page and the
    auditor's export of the events a filter finds)."""
    with TestClient(clients["finance"].app) as finance, \
            TestClient(clients["finance"].app) as auditor:
        sign_in(finance, "finance", demo.passwords["finance"])
        sign_in(auditor, "auditor", demo.passwords["auditor"])
        pages = []
        for client, path in ((finance, f"/web/downloads?period={PERIOD}"),
                             (auditor, f"/web/audit?period={PERIOD}")):
            client.get(f"/language/{language}")
            pages.append(client.get(path).text)
    for page in pages:
        labels = re.findall(r'<option value="gbk">([^<]*)</option>', page)
        assert labels, page[-1500:]
        assert set(labels) == {gbk}

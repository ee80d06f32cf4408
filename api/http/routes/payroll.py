"""Personal details (whole for finance and administrators, masked for others) and the
files for payroll and the bank. The master key file is the server's setting
(`JIXIAO_MASTER_KEY_FILE` for `jixiao serve`); without it personal details are unreadable
and the bank file is refused."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.http.deps import CurrentCaller, EmployeePath, LedgerDep, PeriodPath, SettingsDep
from api.http.schemas import payroll as bodies
from api.http.schemas.base import reply
from api.storage.keys import open_vault as _open_vault
from api.storage.session import Session
from api.usecases import payroll, personal
from api.usecases.ports import Caller

router = APIRouter(tags=["payroll"])
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv"}


def _vault(session: Session, key_file: str | None) -> Any:
    return _open_vault(session.env, key_file) if key_file else None


def _read(session: Session, caller: Caller, key_file: str | None,
          employee_id: str) -> dict[str, Any]:
    view = personal.read_personal_details(session, caller, _vault(session, key_file),
                                          employee_id)
    return view.to_json()


def _payroll(session: Session, caller: Caller, key_file: str | None, period: str,
             fmt: str) -> dict[str, Any]:
    result = payroll.export_payroll(session, caller, _vault(session, key_file),
                                    payroll.PayrollRequest(period, fmt))
    return {"filename": f"payroll-{result.period}.{fmt}", "media_type": MEDIA[fmt],
            "encoding": "utf-8-sig" if fmt == "csv" else None,
            "content_base64": base64.b64encode(result.content).decode(),
            "rows": result.rows, "gross_total": f"{result.gross_total_cny:.2f}",
            "withheld_total": None, "paid_total": None, "recoveries": []}


def _bank(session: Session, caller: Caller, key_file: str | None, period: str,
          layout: str) -> dict[str, Any]:
    personal.require_personal_reader(caller, "export the bank file with")
    vault = _open_vault(session.env, key_file)
    result = payroll.export_bank(session, caller, vault,
                                 payroll.BankRequest(period, payroll.load_layout(layout)))
    paid = result.payments
    return {"filename": f"bank-{result.period}.csv", "media_type": "text/csv",
            "encoding": result.encoding,
            "content_base64": base64.b64encode(result.content).decode(),
            "rows": len(paid.paid), "gross_total": f"{paid.gross_total_cny:.2f}",
            "withheld_total": f"{paid.withheld_total_cny:.2f}",
            "paid_total": f"{paid.paid_total_cny:.2f}",
            "recoveries": [{"employee_id": p.employee_id, "owed": f"{-p.net_cny:.2f}"}
                           for p in paid.recoveries]}


@router.get("/employees/{employee_id}/personal-details",
            response_model=bodies.PersonalDetails, summary="A person's bank and ID details")
async def get_personal_details(*, employee_id: EmployeePath, caller: CurrentCaller,
                               ledger: LedgerDep, settings: SettingsDep) -> JSONResponse:
    """Whole for finance and administrators; masked for anyone else who may read the
    person (a head of their department, the person themselves, auditors, reviewers)."""
    return await reply(bodies.PersonalDetails, await ledger.run(
        _read, caller, settings.master_key_file, employee_id))


@router.get("/periods/{period}/payroll-file", response_model=bodies.ExportedFile,
            summary="Gross pay per person and line, for payroll")
async def get_payroll_file(
    *, period: PeriodPath, caller: CurrentCaller, ledger: LedgerDep, settings: SettingsDep,
    fmt: Annotated[Literal["xlsx", "csv"], Query(alias="format")] = "xlsx",
) -> JSONResponse:
    """Roles that read everything; ID numbers whole for finance and administrators only."""
    return await reply(bodies.ExportedFile, await ledger.run(
        _payroll, caller, settings.master_key_file, period, fmt))


@router.get("/periods/{period}/bank-file", response_model=bodies.ExportedFile,
            summary="Net pay in a bank's batch layout")
async def get_bank_file(
    *, period: PeriodPath, caller: CurrentCaller, ledger: LedgerDep, settings: SettingsDep,
    layout: Annotated[Literal["cn-payroll-batch"], Query()] = "cn-payroll-batch",
) -> JSONResponse:
    """Finance and administrators. Refused (422) when payroll pays this money, when
    anyone paid has no withholding or no account; people owed back are listed."""
    return await reply(bodies.ExportedFile, await ledger.run(
        _bank, caller, settings.master_key_file, period, layout))

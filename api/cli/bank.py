"""`jixiao export payroll|bank`, `jixiao keys master`, `jixiao personal record|show|forget`
and `jixiao withholding`: the payroll hand-off, the bank file and the personal details
they need. Each verb parses, calls one use case and prints."""

from __future__ import annotations

import json as json_module
from pathlib import Path
from typing import Annotated

import typer

from api.cli.options import ENVIRON, Actor, Db, Json, PeriodOption, caller, open_session
from api.i18n import N_, _
from api.i18n.formats import money
from api.storage.keys import create_master_key, master_key_path, open_vault
from api.usecases import payroll, personal

app = typer.Typer(name="export", no_args_is_help=True,
                  help="Files for payroll and the bank.")
keys = typer.Typer(name="keys", no_args_is_help=True,
                   help="The master key that wraps personal data keys.")
people = typer.Typer(name="personal", no_args_is_help=True,
                     help="Personal details: bank name, bank account and ID number.")

KeyFile = Annotated[str | None, typer.Option(
    "--key-file", help="The master key file; default $JIXIAO_MASTER_KEY_FILE.",
    show_default=False)]
Output = Annotated[str, typer.Option("--output", help="The file to write.")]
Employee = Annotated[str, typer.Option("--employee", help="The employee's id.")]

# what each verb says it did (the cli catalogue)
MASTER_WRITTEN = N_("master key written to {path} (only its owner may read it); back it up "
                    "offline now: without it nobody can read the personal details.")
RECORDED = N_("sealed and recorded the personal details of {employee}")
SHOWN = N_("{employee}: {state}; bank {bank}; account {account}; ID number {id_number}")
# a person's details as `personal show` tells them (the --json state stays as it is)
STATES = {"recorded": N_("details recorded"), "forgotten": N_("forgotten (keys destroyed)"),
          "none": N_("none recorded"), "unreadable": N_("unreadable (key lost)")}
FORGOTTEN = N_("destroyed {count} data key(s) of {employee}: their personal details can "
               "no longer be read")
PAYROLL_DONE = N_("{period}: {rows} line(s), gross total {gross} → {output}")
BANK_DONE = N_("{period}: {count} payment(s), net total {net} (gross {gross} − income tax "
               "withheld {withheld}) → {output} [{layout}, {encoding}]")
TO_RECOVER = N_("to recover from {employee} {name}: {amount}")


def register(root: typer.Typer, export: typer.Typer, key_group: typer.Typer) -> None:
    """`payroll` and `bank` join the `export` group, `master` the `keys` group (beside
    the signing keys); `personal` is a group of its own."""
    export.registered_commands.extend(app.registered_commands)
    key_group.registered_commands.extend(keys.registered_commands)
    root.add_typer(people)


def _key_file(option: str | None) -> str | None:
    return master_key_path(option, ENVIRON.get())


@keys.command("master")
def master(*, output: Output) -> int:
    """Create a new master key file (never overwrites one); back it up at once."""
    create_master_key(output)
    print(_(MASTER_WRITTEN).format(path=output))
    return 0


@people.command("record")
def record(*, employee: Employee,
           bank_name: Annotated[str | None, typer.Option("--bank-name", help="开户行")] = None,
           account: Annotated[str | None, typer.Option("--account", help="银行账号")] = None,
           id_number: Annotated[str | None, typer.Option("--id-number", help="身份证号")] = None,
           key_file: KeyFile = None, db: Db = None, actor: Actor = None) -> int:
    """Record a person's bank name, account and ID number, sealed with their own key."""
    details = personal.PersonalDetails(employee, bank_name, account, id_number)
    with open_session(db) as session:
        vault = open_vault(session.env, _key_file(key_file))
        personal.record_personal_details(session, caller(actor), vault, details)
    print(_(RECORDED).format(employee=employee))
    return 0


@people.command("show")
def show(*, employee: Employee, key_file: KeyFile = None, db: Db = None,
         actor: Actor = None, json: Json = False) -> int:
    """Show a person's details (whole: this command speaks as the store's owner)."""
    with open_session(db) as session:
        vault = open_vault(session.env, _key_file(key_file))
        view = personal.read_personal_details(session, caller(actor), vault, employee)
    if json:
        print(json_module.dumps(view.to_json(), ensure_ascii=False, sort_keys=True))
    else:
        state = _(STATES[view.state]) if view.state in STATES else view.state
        print(_(SHOWN).format(employee=employee, state=state, bank=view.bank_name or "-",
                              account=view.bank_account or "-",
                              id_number=view.id_number or "-"))
    return 0


@people.command("forget")
def forget(*, employee: Employee, key_file: KeyFile = None, db: Db = None,
           actor: Actor = None) -> int:
    """Erase a person's details for good: destroy their data keys (crypto-shredding)."""
    with open_session(db) as session:
        vault = open_vault(session.env, _key_file(key_file))
        destroyed = personal.forget_personal_details(session, caller(actor), vault, employee)
    print(_(FORGOTTEN).format(count=destroyed, employee=employee))
    return 0


@app.command("payroll")
def export_payroll(*, period: PeriodOption, output: Output,
                   fmt: Annotated[str, typer.Option("--format", help="xlsx or csv.")] = "xlsx",
                   encoding: Annotated[str, typer.Option(
                       "--encoding",
                       help="CSV only: utf-8-sig (default, with BOM: Excel reads it right), "
                       "utf-8, gbk or gb18030.")] = "utf-8-sig",
                   key_file: KeyFile = None, db: Db = None, actor: Actor = None) -> int:
    """Gross pay per person and line, for payroll to compute the income tax on."""
    with open_session(db) as session:
        path = _key_file(key_file)
        vault = open_vault(session.env, path) if path else None
        result = payroll.export_payroll(
            session, caller(actor), vault, payroll.PayrollRequest(period, fmt, encoding))
    Path(output).write_bytes(result.content)
    print(_(PAYROLL_DONE).format(period=result.period, rows=result.rows,
                                 gross=money(result.gross_total_cny), output=output))
    return 0


@app.command("bank")
def export_bank(*, period: PeriodOption, output: Output,
                layout: Annotated[str, typer.Option(
                    "--layout", help="A layout YAML file, or a shipped layout's "
                    "name: cn-payroll-batch")] = "cn-payroll-batch",
                key_file: KeyFile = None, db: Db = None, actor: Actor = None) -> int:
    """Net pay (gross less the withholding payroll reported) in a bank's batch layout."""
    chosen = payroll.load_layout(layout)
    with open_session(db) as session:
        vault = open_vault(session.env, _key_file(key_file))
        result = payroll.export_bank(
            session, caller(actor), vault, payroll.BankRequest(period, chosen))
    Path(output).write_bytes(result.content)
    paid = result.payments
    print(_(BANK_DONE).format(
        period=result.period, count=len(paid.paid), net=money(paid.paid_total_cny),
        gross=money(paid.gross_total_cny), withheld=money(paid.withheld_total_cny),
        output=output, layout=result.layout, encoding=result.encoding))
    for owed in paid.recoveries:
        print(_(TO_RECOVER).format(employee=owed.employee_id, name=owed.name,
                                   amount=money(-owed.net_cny)))
    return 0

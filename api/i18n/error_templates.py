"""The English error texts of domain/, projections/ and the use cases and adapters
(api/usecases, api/storage, api/sheets, api/documents), as templates for
api/i18n/messages.py: each `{name}` stands for one value carried into the translation.
tests/unit/test_error_translations.py walks those packages and fails on a message with
no template here (or in messages.py) and no Chinese translation."""

from __future__ import annotations

from typing import Final

from api.i18n import N_
from api.i18n.storage_templates import STORAGE_TEMPLATES

ERROR_TEMPLATES: Final = (
    # api/usecases/access_log.py: a read the access log must record, on a read-only ledger
    N_("this read shows other people's data, which the access log must record, and the "
       "ledger is read-only: nothing was shown; read it where the ledger may be written, "
       "or read only your own data"),
    # domain/money.py: an amount or a count too large (a stored one written by an older
    # version reads as an invalid entry, api/i18n/unreadable.py)
    N_("money must be less than {limit} in size, got {value}"),
    N_("money must be finite with at most two decimals: {value}"),
    N_("must be less than {limit} in size, got {value}"),
    # api/sheets: spreadsheet import (api/sheets/text.py)
    N_("{path} is a directory, not a spreadsheet"),
    N_("the file is damaged and cannot be read as XLSX: {error}; open it in Excel or WPS "
       "and save it as .xlsx or CSV"),
    N_("the file is password-protected or an old .xls file: remove the password and save it "
       "as .xlsx or CSV, then import it"),
    N_("not {encoding} text (byte {offset}, 0x{byte}): choose the encoding with --encoding, "
       "or save it as CSV UTF-8"),
    N_("neither UTF-8 nor GB18030 text (byte {offset}): save it as CSV UTF-8 or XLSX"),
    N_("no sheet {sheet}; the sheets are: {sheets}"),
    N_("the workbook has no visible sheet"),
    N_("hidden sheets ignored: {sheets}"),
    N_("sheet {sheet} is hidden"),
    N_("the file is empty; the first row must be the header: {columns}"),
    N_("not readable as CSV: {error}"),
    N_("not a sheet of {sheet_kind}: its first row names none of the columns ({columns}); "
       "choose the file again"),
    N_("the header is that of {other_kind}, not of {sheet_kind}: import it as {other_kind} "
       "({command})"),
    N_("the header is that of {other_kind}, not of {sheet_kind}: import it as {other_kind}"),
    N_("{mark} marks only the template's example row, and this row is not it (its other "
       "cells differ): clear this cell or write your own value"),
    N_("{where}: the template's example row, skipped"),
    N_("nothing to import: only the template's example row, which is never imported; fill in "
       "your rows below it, or type over it, its {column} cell too"),
    N_("nothing to import: only the template's example row (its first cell's comment says so), "
       "which is never imported; fill in your rows below it, or delete that comment"),
    N_("the CSV encoding is one of {allowed}"),
    N_("merged header cells {cells}: unmerge them, one header per column"),
    N_("the column has no name; delete the empty column"),
    N_("the column appears twice"),
    N_("unknown column {name}; the columns are: {columns}"),
    N_("unknown column {name} (the file must be comma-separated, not by ';' or tabs); the "
       "columns are: {columns}"),
    N_("missing required column"),
    N_("no import kind {kind}; use one of: {kinds}"),
    N_("the row is hidden: unhide and check it, or delete it"),
    N_("{cells} cell(s), but the header has {columns} column(s): check for extra or missing "
       "commas and unclosed quotes"),
    N_("a formula without a cached value: open and save the file in Excel or WPS, or type "
       "the value"),
    N_("the cell holds the error {value}"),
    N_("not a number: {value}"),
    N_("not a date: {value}"),
    N_("{where}, {column}: full-width characters normalised {before} → {after}"),
    N_("{where}, {column}: thousands separators removed {before} → {after}"),
    N_("{where}, {column}: the Excel date serial {before} read as {after}"),
    N_("{where}, {column}: the date {before} read as {after}"),
    N_("{where}, {column}: the date cell {before} read as the period {after}"),
    N_("{where}, {column}: full-width digits or spaces normalised (personal data: the value "
       "is not shown)"),
    N_("{where}: no bank name, account or ID number; nothing imported from the row"),
    N_("the template format is xlsx or csv"),
    N_("{role} does not import {sheet_kind}, so is offered no template for it"),
    N_("unknown entry {written}; write one of: {allowed}"),
    N_("empty; write one of: {allowed}"),
    N_("not used by a {entry_kind} entry; leave it empty"),
    N_("the key is already that of {earlier}; each row needs its own"),
    # api/usecases: who may do what
    N_("{count} row(s) you may not write; nothing was written"),
    N_("{role} may not void entries"),
    N_("subject {subject} is in {department}, not in a department you head ({heads})"),
    N_("{role} may not issue {kind} (issued by: {who})"),
    N_("{role} may appeal only for {scope}, not for {subject}"),
    N_("{employee} is in {department}, not in a department you head ({heads})"),
    N_("this ledger requires a second person to close a period: prepare the close, and another "
       "user approves it (POST /periods/{period}/close)"),
    N_("{role} may not read {what}; it shows the whole organisation"),
    N_("{role} may not preview a decision; it shows everyone the decision touches"),
    # api/usecases: demo, documents, ledger files, ports, reports, settings
    N_("the demo needs a year from {first} to {last} (the shipped scheme {scheme} is in force "
       "from {effective_from})"),
    N_("{path} already exists; pass --force to replace it with a fresh demo"),
    N_("{name} is not a .pdf file"),
    N_("{path} is a directory, not a JSON Lines file"),
    N_("the file is not UTF-8; save it as UTF-8"),
    N_("not valid JSON: {error}"),
    # api/usecases/ledger.py: a line of a JSON Lines file, with what Python's json module
    # found wrong there (its messages, below, read as values of the template)
    N_("not valid JSON at column {column}: {reason}"),
    N_("Expecting value"), N_("Extra data"),
    N_("Expecting property name enclosed in double quotes"), N_("Expecting ':' delimiter"),
    N_("Expecting ',' delimiter"), N_("Unterminated string starting at"),
    N_("Invalid control character at"), N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
    N_("each line must be a JSON object"),
    N_("{day} is outside the ledger's window of dates ({first} to {last})"),
    N_("{text} is not an ISO timestamp such as 2026-04-05T12:00:00+08:00"),
    N_("no figure {figure} in {period}"),
    N_("must be a JSON object of settings"),
    N_("not a setting; one of {settings}"),
    N_("nothing to change"),
    N_("must be true or false"),
    # domain: the write side and its checks
    N_("the same key as {row}; each entry needs its own"),
    N_("already decided at level {level}: {outcome}"),
    N_("this key was used for a different entry ({entry})"),
    N_("a window of {count} working days is out of range"),
    N_("a window of {count} days is out of range"),
    N_("user {user} is already registered; to change them, supersede the registration"),
    N_("unknown department {department}; define it first"),
    N_("unknown user {user}; register them first"),
    N_("this token is already in use; mint a new one"),
    N_("{period} is closed; record a correction (supersede the entry it corrects), it will be "
       "restated in the next open quarter"),
    N_("no scheme in force on {day}; adopt one first (adopt_scheme)"),
    N_("already recorded ({what}) by entry {holder}; to change it, supersede that entry with a "
       "reason"),
    N_("no live entry {entry} (unknown, voided or already superseded)"),
    N_("entry {entry} is a {found}, not a {expected}; a correction replaces a fact of its own "
       "kind"),
    N_("voiding an entry needs a reason"),
    N_("{department} is an admin department; workload, revenue and cost are recorded for "
       "clinical departments"),
    N_("unknown employee {employee}; hire them first"),
    N_("{employee} is already hired; use transfer_employee, change_title_grade, change_post or "
       "supersede the hire"),
    N_("late: the window of {days} {unit} days after {received_on} closed on {deadline} "
       "({rule})"),
    # the same, one per unit: the unit is a word of the sentence, which Chinese joins to
    # its noun (「10 个工作日」), so it is never carried over as a value (「10 个working日」)
    N_("late: the window of {days} working days after {received_on} closed on {deadline} "
       "({rule})"),
    N_("late: the window of {days} calendar days after {received_on} closed on {deadline} "
       "({rule})"),
    N_("no entry {entry}"),
    N_("that entry was already corrected or voided; appeal the entry that replaced it"),
    N_("unknown employee or graded subject {subject}"),
    N_("the appeal is not decided yet; a re-review follows a decision"),
    N_("the scheme allows {count} re-review(s); the last decision is final"),
    N_("late: the re-review window closed on {closes}"),
    N_("the appeal is at level {level}"),
    N_("{person} is recused: {reasons} ({rule})"),
    N_("assign a reviewer first"),
    N_("the appeal is assigned to {reviewer}, not {actor}"),
    N_("close a period in a batch of its own"),
    N_("the ledger has moved on since the statement was computed (position {position}, now "
       "{last_position}); close again"),
    N_("{period} has no pool declared; there is nothing to close"),
    N_("close {periods} first; periods close in order"),
    # api/usecases/closing.py: the two-person close's refusals
    N_("no close of {period} is prepared; run `jixiao close --period {period}` first"),
    N_("the person who prepared the close of {period} ({actor}) cannot approve it; another "
       "person approves it"),
    N_("cannot prepare the close of {period}: {open} is still open; periods close in order, "
       "close {open} first"),
    N_("the approval is void: {count} event(s) of {period} were recorded after the close was "
       "prepared; prepare the close again"),
    N_("unknown category {category}; {scheme} knows {known}"),
    N_("{category} staff take part as one of {known}, not {participation}"),
    N_("unknown leave kind {kind}; {scheme} knows {known}"),
    N_("unknown title grade {title}; the scheme knows {known}"),
    N_("unknown post {post}; the scheme knows {known}"),
    N_("unknown deduction kind {kind}; the scheme knows {known}"),
    N_("{kind} is discretionary: give the points (a positive magnitude)"),
    N_("{kind} has fixed points in the scheme; do not give points"),
    N_("{kind} is banded by minutes: give minutes"),
    N_("{kind} is not measured in minutes; leave minutes out"),
    N_("{item} is not an entered item; entered items: {known}"),
    N_("unknown penalty kind {kind}; the scheme knows {known}"),
    N_("the scheme has no control on {indicator}"),
    N_("{scheme} pays by quarter (2026-Q1) and year end (2026-YE), not {period_kind}"),
    N_("only adjust_pool takes a year-end period; year-end facts are recorded by year "
       "(record_annual_target_score, record_assessment, …)"),
    # domain/strict_input.py: a strict reader's ValueError, shown as pydantic's text for a
    # field (the walker follows DomainError types only)
    N_("Input should be a valid date; {value} is not a calendar date"),
    N_("Input should be a valid date, written YYYY-MM-DD; got {value}"),
    N_("must have at most {digits} digits, got {value}"),
    N_("{day} is outside the dates this ledger takes ({first} to {last})"),
    # projections
    N_("{name} is not JSON: {error}"),
    N_("{name} must be a JSON object"),
    N_("no workload, revenue and cost recorded for the period"),
    N_("no risk coefficient configured (A-S11-6: no silent 1.0)"),
    N_("the scheme has no admin class {admin_class}"),
    N_("no risk coefficient: set one or an admin_role the scheme knows (A-S11-6: no silent 1.0)"),
    N_("admin bases need at least one scored clinical department"),
    N_("{period} is not closed; use a timestamp or 'now'"),
    N_("{text} is not 'now', 'closed' or an ISO timestamp such as 2026-04-05T12:00:00+08:00"),
    N_("no grading scheme {scheme} in force in {period}; in force: {in_force}"),
    N_("no grading scheme is in force in {period}; adopt one first"),
    N_("{count} grading schemes are in force in {period}: {schemes}; choose one with --scheme"),
    N_("{scheme} grades by {period_kinds}, not {period_kind}"),
    N_("{subject} is not assessed by {scheme} in {period}"),
    N_("{period} is a {period_kind}; this scheme pays quarters (2026-Q1) and the year-end "
       "distribution (2026-YE)"),
    N_("no pool declared (declare_pool)"),
    N_("adjustments make the pool negative"),
    N_("no annual target score recorded for {year}"),
    N_("the closed statement of {period} no longer reproduces its recorded hash {sha256}…; the "
       "calculation code or the stored events changed since it was closed (run `jixiao "
       "verify`)"),
    N_("{period} is not closed; there is nothing to restate"),
    # domain/appeals: recusal and changes
    N_("the reviewer is the appellant, or filed the appeal"),
    N_("the reviewer recorded the contested entry"),
    N_("the reviewer decided this appeal at a lower level"),
    N_("the reviewer heads the appellant's department"),
    N_("{field} is not a field of {entry_type}"),
    N_("{field} says what the entry is about and cannot change; revoke it and record a new one"),
    N_("a change needs a contested entry (a payout line is changed through the entries behind "
       "it)"),
    # api/sheets: an empty cell the entry needs
    N_("empty; a {entry_kind} entry needs it"),
    N_("empty; required"),
    # a value inside a message
    N_("(none)"),
    # a role and what it may appeal for, inside a refusal (domain/users.py, api/usecases/access.py)
    N_("an administrator"),
    N_("a finance officer"),
    N_("a department head"),
    N_("an appeals reviewer"),
    N_("an auditor"),
    N_("an employee"),
    N_("the departments they head ({departments})"),
    N_("their own lines ({employee})"),
    N_("nothing of this kind"),
    # api/usecases/integrity.py: a close's notices (kept in English, worded where shown),
    # and the key files' refusals
    N_("no signing key is configured (JIXIAO_SIGNING_KEY): no outside receipt was "
       "written for this close; only the database vouches for it"),
    N_("signed receipt written to {path}"),
    N_("this server has no auditor's public key (JIXIAO_AUDIT_PUBLIC_KEY): it cannot "
       "check receipts"),
    N_("cannot read the key file {path}: {reason}"),
    # api/usecases/procedures.py: a day, and where a deadline's calendar comes from (English
    # in --json and the API)
    N_("{name}: {text} is not a date like 2027-01-01"),
    N_("calendar days"),
    N_("{year}: the notice recorded in this ledger"),
    # api/usecases/backups.py, settings.py
    N_("back up a PostgreSQL ledger with PostgreSQL's own tools: `pg_dump "
       "--format=custom --schema=SCHEMA DBNAME > FILE` (restore with `pg_restore "
       "--dbname=NEWDB FILE`), or a base backup with WAL archiving for point-in-time "
       "recovery; then run `jixiao verify --expect RECEIPT --public-key KEY` against the"
       " restored database (docs/security.md)"),
    N_("{where} exists already; restore only into a new path"),
    N_("{path} is not a SQLite ledger backup"),
    N_("the backup {path} is a SQLite URI, which jixiao does not open: give the backup's "
       "file path; nothing was written"),
    N_("--time-zone: {zone} is not an IANA time zone such as Asia/Shanghai"),
    # domain/settings.py: the settings command's own check of a time zone (a ValueError of
    # its model, as pydantic passes it on)
    N_("{value} is not an IANA time zone such as Asia/Shanghai"),
    # projections/receipts.py: keys and receipts
    N_("the signing key is not an unencrypted PEM private key (make one with `jixiao "
       "keys new`)"),
    N_("the signing key is not an Ed25519 key"),
    N_("the public key is not a PEM public key"),
    N_("the public key is not an Ed25519 key"),
    N_("the receipt is not JSON"),
    N_("not a {format} receipt: {fields} missing or wrong"),
    # domain/procedures.py: the procedures' problems
    N_("no live decision {decision} (a sanction, an appeal decision or a review "
       "decision)"),
    N_("delivered before the decision of {decided_on}"),
    N_("no grading scheme {rulebook} is adopted"),
    N_("the scheme {rulebook} states no publicity"),
    N_("no live objection {objection}"),
    N_("settled before the objection was received on {received_on}"),
    N_("the results of {rulebook} {period} are already final: an objection is settled "
       "before they are made final"),
    N_("{correction} is not a live correction (a void_entry or a superseding entry)"),
    N_("the correction is about {subject}, the objection about {objected}"),
    # projections/procedures.py: a sanction whose trigger was withdrawn (English in --json)
    N_("the entry that triggered this sanction was voided or corrected; the sanction "
       "stands until someone reviews it"),
    # domain/scheme_corrections.py: an adoption's correction that changes its document, and
    # a lower version adopted on a higher one's date
    N_("{key} is already adopted: a correction may change its date, not its content; a "
       "changed document needs a new version (jixiao scheme new), then adopt that version. "
       "What differs: {paths}"),
    N_("{key} is already adopted: a correction may change its date, not its content; a "
       "changed document needs a new version (jixiao scheme new), then adopt that version. "
       "What differs: {paths} … ({more} more)"),
    N_("{key} is lower than {higher}, already adopted for {day}: an adoption recorded later "
       "on the same day takes effect, so it would put the older rules back. To go back to "
       "the older version, correct that adoption with supersedes; to adopt new rules, make "
       "a higher version"),
    # api/usecases/documents.py: a payslip PDF that does not match the ledger (`jixiao
    # verify-document`; a page's problem inside "page {page}: …")
    N_("page {page} has no verification code"),
    N_("page {page}: {problem}"),
    N_("the code names no period: {period}"),
    N_("the statement hash does not match the ledger's closed statement"),
    N_("the statement hash does not match: the period is open in the ledger"),
    N_("no {employee} in the statement of {period}"),
    N_("the lines do not match the ledger: its total is {total}"),
    N_("the amount shown differs from the code"),
    N_("the page pays the gross {gross}, but payroll reported {withheld} withheld: the "
       "bank file pays {net}, and the page was printed before the tax was recorded (or "
       "before payslips showed it): print it again"),
    # api/usecases/personal.py: personal details refused, and a bank or ID cell's problem
    N_("{role} may not {what} personal details: only finance and administrators may"),
    N_("unknown employee {employee_id}"),
    N_("a bank account is 8 to 32 digits"),
    N_("an ID number is 15 or 18 characters: digits, the last may be X"),
    N_("the ID number's check digit does not match (GB 11643): check the number; usually a "
       "digit is mistyped or the final X was written as something else"),
    N_("the birth date inside the ID number is not a calendar date: check the number"),
    N_("Excel wrote the bank account in scientific notation (6.2E+18) and its last digits "
       "are lost: format the column as text and type it again"),
    N_("a bank name is 1 to 100 characters"),
    N_("give at least a bank name, an account or an ID number"),
    # api/documents/csvfile.py, reading.py: a CSV cell its encoding cannot write, a file
    # that is no PDF
    N_("line {line}, column {column}: {bad} in {text} cannot be written in {encoding}; use "
       "--encoding gb18030, which writes every character"),
    N_("the file is not a PDF: only payslip PDFs can be checked; write the payslips as PDF "
       "and check that file"),
    N_("the file is a workbook (XLSX), not a PDF: only payslip PDFs can be checked; write "
       "the payslips as PDF and check that file"),
    N_("the PDF is damaged and cannot be read: print the payslips again"),
    # domain/events.py: a setup sheet's row checks (api/sheets/columns.py names the column)
    N_("must be greater than zero"),
    N_("give exactly one of medical_revenue_cny or amount_cny"),
    N_("an admin department needs admin_class 1, 2 or 3"),
    N_("a clinical department takes no admin_class or admin_role"),
    # api/sheets/text.py: a personal-data cell (never quoted)
    N_("Excel stored this long number as a number cell, which keeps 15 significant digits: "
       "the last digits are lost; format the column as text and type the value again"),
    N_("type the digits, as text: not a date or another value"),
    # api/usecases/entry.py: a department's grid given someone else's cell
    N_("{employees}: not in the grid of department {department}"),
    # api/usecases/payroll.py: the payroll file's and the bank file's refusals
    N_("the name cannot be written in {encoding}: choose the encoding gb18030 in the layout"),
    N_("the name cannot be written in {encoding}: use --encoding gb18030"),
    N_("the encoding is one of {encodings}"),
    N_("bad bank layout: {reason}"),
    N_("the format is xlsx or csv"),
    # api/usecases/personal_import.py, roster_details.py: personal details imported
    N_("personal details are sealed with the master key: give --key-file or set "
       "JIXIAO_MASTER_KEY_FILE"),
    N_("not on the roster: import the roster first or check the id"),
    N_("the same person twice in the file (see also {earlier}): one row a person"),
    N_("the roster holds bank names, bank accounts or ID numbers, which are sealed with the "
       "master key: give --key-file or set JIXIAO_MASTER_KEY_FILE"),
    N_("{role} may not hire: the roster is an administrator's"),
    # api/usecases/passwords.py, documents.py, downloads.py, exports.py,
    # download_bundles.py: a password's length, a format, an export, a download
    N_("a password needs {least} to {most} characters"),
    N_("unsupported payslip format {format}; choose one of {formats}"),
    N_("cannot export {export}; choose one of {exports}"),
    N_("the server has no master key file: it cannot write the bank file"),
    N_("unsupported format {format}; choose one of {formats}"),
    N_("unsupported encoding {encoding}; choose one of {encodings}"),
    N_("{period} has no payslips of the department {department}"),
    N_("no decision letter to download: no appeal is decided yet"),
    # api/usecases/schemes.py, settings.py: a scheme not found, refused or not written
    N_("no scheme file {path}: the path does not exist or is not a file"),
    N_("no shipped scheme and no file {name}; the shipped schemes: {known}"),
    N_("no shipped scheme and no file {name}; did you mean {guess}? The shipped schemes: "
       "{known}"),
    N_("the scheme file {path} has {count} problem(s): run `jixiao scheme check` on it "
       "first"),
    N_("name the adopted grading scheme to compare with, --against: {known}"),
    N_("a scheme name is letters, digits, -, _ and ."),
    N_("--scheme: no shipped scheme {name}; the shipped schemes: {known} (`jixiao scheme "
       "list`)"),
    N_("--scheme: no shipped scheme {name}; did you mean {guess}? The shipped schemes: "
       "{known} (`jixiao scheme list`)"),
    # projections/restated.py: payout --restated of a period not closed (409)
    N_("{period} is not closed: there is no closed statement to restate; use payout "
       "without --restated for the period's statement"),
    # api/usecases/scheme_versions.py: the lock of the shipped schemes' versions (a
    # maintainer's `python -m api.usecases.scheme_versions`)
    N_("{key}: a released version was edited in place; a change of content is a new "
       "version, version {version}"),
    N_("{key}: the next version is {version}"),
    N_("{key}: the new version is not locked yet: python -m api.usecases.scheme_versions"),
    N_("{key}: a later version is locked, version {version}; ship the newest"),
    # api/usecases/scheme_rules.py: `scheme show`, a rule a value computes besides its own
    # (not an error; worded by the same translator)
    N_("computed by {at} too"),
    # api/usecases/scheme_check.py: `scheme check`'s reasons (the same texts as its
    # REASONS and constants; tests/unit/test_scheme_check_words.py), and the first
    # problem of a file that is no scheme, as a refusal carries it
    N_("line {line}: {reason}"),
    N_("missing parameter {field}"),
    N_("unknown calculation kind {tag}; the kinds: {expected}"),
    N_("unknown parameter {field}: a typo?"),
    N_("{field} is not one of the allowed values: {expected}"),
    N_("{field} must be a number"),
    N_("{field} must be a whole number"),
    N_("{field} must be a date such as 2026-01-01"),
    N_("{field}: a seed source is written file:line, such as 002_db447562deed9801.txt:L849"),
    N_("{field} must hold name: value lines"),
    N_("{field} must be a list, each item starting with -"),
    N_("{field} must be true or false"),
    N_("{field} is too small: {msg}"),
    N_("{field} is too large: {msg}"),
    N_("a scheme file is a YAML document of name: value lines"),
    N_("unknown scheme kind {kind}; the kinds: {known}"),
    N_("the file is not valid YAML: {problem}"),
    N_("no value at {at}: also_implements' at is the path of the value in the scheme that "
       "computes the rule, such as pipelines.annual.figures.total"),
    N_("the tranches' shares of the held-back part add up to {total}, not 100 %"),
    N_("the year-end reserve rate {reserve} exceeds the pool rate {rate}"),
    N_("{field} is {value}, a share over 100 %"),
    N_("the clinical points per head (quantity {q} + quality {u} + ethics {e}) add up to "
       "{total}, not 100"),
    N_("the quota of the grade {grade}, {share}, is over 100 %"),
    N_("the quotas add up to {total}, over 100 %"),
    N_("bands overlap: this band's lower bound {low} is not below the one above it, {high}; "
       "this band is never reached"),
    N_("bands leave a gap: scores below {low} get no grade; leave the last band without min"),
    N_("a band names the grade {grade}, which grades does not define"),
    N_("study-leave bands must rise by months, and the last one has no upper bound"),
    # domain/calculations.py, domain/grading_pools.py: a scheme's calculations refused by
    # the model (scheme check, an adoption)
    N_("the share {value} is not between 0 and 1 (0.15 is 15 %)"),
    N_("{value} is negative; it must not be"),
    N_("only the last band may have no upper bound, up_to"),
    N_("each band needs a rate, or a rate_range chosen per case: one of the two"),
    N_("a pool needs one of contribution, pool_from or unit_fund"),
    N_("up_to_share must increase band by band: a gap or an overlap"),
    N_("rate_range {low}–{high} is not within 0–100 %, or its low is above its high"),
    N_("the shares add up to {total}, not 100 %"),
    N_("band bounds, up_to, must be positive and increase: a gap or an overlap between "
       "bands"),
    N_("step rows go from the lowest bound up, each bound once: a band table with an "
       "overlap"),
    N_("unit-level amounts need unit_pipeline"),
    N_("unit_pipeline goes with group: unit"),
    N_("the cut is needed: cut for into: figure, from_lines for into: pay_line"),
    N_("leftover_line needs a reserve"),
    N_("{name} is only for into: {into}, not for into: {other}"),
    N_("pool {name}: no id, or one a calculation has; a pool needs an id no calculation has"),
    N_("pool {name}: unit_pipeline {pipeline} is not a pipeline graded by {period}"),
    N_("pool {name}: {pipeline} has no pay line {line}"),
    N_("pool {name}: rank_by {figure} is not a figure"),
    # projections/grading/pools.py: a pool's pay line waiting or blocked, and where a shut
    # gate's pool goes (the grades report's data, worded where shown)
    N_("{subject} is {status}: the pool waits for every member"),
    N_("{gate} does not hold: not paid"),
    N_("{fund} on {unit} is {value}: the pool must be an amount, not negative"),
    N_("{fund} on {unit} is {value}: the pool must be an amount, not negative {literals}"),
    # domain/calendar.py: a deadline in a year whose holidays no calendar knows (a refusal,
    # an appeal's deadline_unknown, a procedure's problem)
    N_("The statutory holiday calendar for {year} is not known (neither recorded in this "
       "ledger nor in the chinese-calendar package); {day} cannot be counted in working "
       "days. Record that year's State Council notice: `jixiao calendar record-notice "
       "--year {year} …`"),
    # domain/grading_checks.py: `jixiao apply` refusing a grading entry
    N_("a derived fact is recorded by the ledger from its triggers, never sent"),
    N_("unknown subject {subject}; enrol them first (enrol_subject)"),
    N_("no grading scheme {rulebook} is adopted; adopted: {known}"),
    N_("no grading scheme is adopted; adopt one first (adopt_scheme)"),
    N_("already recorded by entry {holder}; to change it, supersede that entry with a reason"),
    N_("a correction keeps what the entry is about ({fields} cannot change); void it and "
       "record a new one"),
    N_("unknown sanction kind {kind}; the grading schemes know {known}"),
    N_("unknown complaint kind {kind}; the grading schemes know {known}"),
    N_("no grading pipeline reads {component}; known: {known}"),
    N_("{rulebook} is not in force in {period}"),
    N_("{scheme} has no pipeline {pipeline}; it has {pipelines}"),
    N_("{pipeline} has no grade {grade}; grades: {grades}"),
    N_("unknown subject(s) {subjects}"),
    N_("{pipeline} grades by score bands; it takes no proposals"),
    N_("{scheme} takes no ballots"),
    N_("unknown mark(s) {marks}; marks: {known}"),
    N_("QuotaExceeded: {used} {mark} on one ballot of {count}; at most {limit} ({rounding} "
       "of {share} × {count}) ({ref})"),
    N_("no sanction {target}"),
    N_("that sanction was already revoked or changed"),
    N_("no review was requested for this sanction"),
    N_("the sanction is no longer in force; it cannot be upheld"),
    N_("record the revoke first: void_entry (revoke) or a record_sanction that supersedes it "
       "(change), with the reason"),
    N_("record the change first: void_entry (revoke) or a record_sanction that supersedes it "
       "(change), with the reason"),
    # api/storage/: the stores' refusals (api/i18n/storage_templates.py)
    *STORAGE_TEMPLATES,
)
# The words a template's value is among (api/i18n/messages.py, WORDS): a period's kind
# ({period_kind}: "2026-03 is a month"), a quota's rounding ({rounding}: "floor of 0.2 × 9").
PERIOD_KINDS: Final = (N_("quarter"), N_("month"), N_("half"), N_("year"), N_("year_end"))
ROUNDINGS: Final = (N_("floor"), N_("half_up"), N_("ceil"))

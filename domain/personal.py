"""Facts that payroll and the bank file read: a person's sealed personal details, their
crypto-shredding, the tax payroll withheld, and who pays this money out.

Personal details (bank name, bank account, ID number) never enter the log in plain text:
the event holds only their AES-GCM ciphertext (`sealed`) and the id of the person's own
data key (`key_id`). That key lives, wrapped by a master key kept outside the database, in
a key table beside the log (api/storage/keys.py), because events are immutable and a key
inside one could never be destroyed. `forget_personal_details` records that the keys
were destroyed; a reader honours it even where a copy of a key survived (a backup).

Withholding and the payment channel name a pay period as `pay_period`/`from_period`, not
`period`: they are payroll's facts about money already computed, so a closed period
takes them (the ledger refuses new `period` facts in a closed period).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from domain.envelope import Code, Frozen, LedgerEvent, _command
from domain.money import to_cny
from domain.periods import Period, period_text
from domain.records import frozen_record

PeriodText = Annotated[str, BeforeValidator(period_text)]
SEALED_CHARS_MAX = 4096  # base64 of the sealed details: a few hundred bytes in practice


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


TaxCny = Annotated[Decimal, BeforeValidator(to_cny), AfterValidator(_non_negative)]
Sealed = Annotated[str, Field(min_length=16, max_length=SEALED_CHARS_MAX,
                              pattern=r"^[A-Za-z0-9+/=]+$")]
KeyId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


# ------------------------------------------------------------------ bodies


class PersonalDetailsBody(Frozen):
    """A person's personal details, sealed with their own data key (never plain text)."""

    employee_id: Code
    key_id: KeyId
    sealed: Sealed


class ForgetBody(Frozen):
    """The person's data keys were destroyed: every sealed detail of theirs is unreadable."""

    employee_id: Code


class WithholdingBody(Frozen):
    """The income tax (个税) payroll withheld from a person's performance pay of a period."""

    pay_period: PeriodText
    employee_id: Code
    tax_withheld_cny: TaxCny


class PaymentChannelBody(Frozen):
    """Who pays performance pay from a period on: a bank file from jixiao (net of the
    withholding payroll reports), or payroll itself (jixiao's bank export then refuses)."""

    channel: Literal["bank_file", "payroll"]
    from_period: PeriodText


class PersonalDetailsRecorded(LedgerEvent, PersonalDetailsBody): ...
class PersonalDetailsForgotten(LedgerEvent, ForgetBody): ...
class WithholdingRecorded(LedgerEvent, WithholdingBody): ...
class PaymentChannelDeclared(LedgerEvent, PaymentChannelBody): ...


PAYROLL_EVENTS: tuple[type[LedgerEvent], ...] = (
    PersonalDetailsRecorded, PersonalDetailsForgotten, WithholdingRecorded,
    PaymentChannelDeclared,
)
# One withholding per person and pay period; a second must supersede the first: registered
# by domain/validation.py, which a fold imports before it may meet a stored one (this
# module is imported with its first command or stored fact, domain/events.py).

# ------------------------------------------------------------------ commands

RecordPersonalDetails = _command(
    "record_personal_details", PersonalDetailsBody, PersonalDetailsRecorded,
    "Record a person's sealed bank name, account and ID number (use `jixiao personal "
    "record`, which seals them).")
ForgetPersonalDetails = _command(
    "forget_personal_details", ForgetBody, PersonalDetailsForgotten,
    "Record that a person's data keys were destroyed (use `jixiao personal forget`).")
RecordWithholding = _command(
    "record_withholding", WithholdingBody, WithholdingRecorded,
    "Record the income tax payroll withheld from a person's performance pay of a period.")
DeclarePaymentChannel = _command(
    "declare_payment_channel", PaymentChannelBody, PaymentChannelDeclared,
    "Declare who pays performance pay from a period on: bank_file or payroll.")

PAYROLL_COMMANDS: tuple[type[Frozen], ...] = (
    RecordPersonalDetails, ForgetPersonalDetails, RecordWithholding, DeclarePaymentChannel,
)


# ------------------------------------------------------------------ reading them back


@frozen_record
class PayrollFacts:
    """What the payroll and bank exports need from the live facts, folded once."""

    details: dict[str, PersonalDetailsRecorded]  # the latest sealed details per person
    forgotten: frozenset[str]  # people whose details were shredded since
    withheld_cny: dict[tuple[str, str], Decimal]  # (period, employee) -> tax
    channels: tuple[PaymentChannelDeclared, ...]  # in recorded order

    @classmethod
    def fold(cls, live: Iterable[LedgerEvent]) -> PayrollFacts:
        details: dict[str, PersonalDetailsRecorded] = {}
        forgotten: set[str] = set()
        withheld: dict[tuple[str, str], Decimal] = {}
        channels: list[PaymentChannelDeclared] = []
        for event in live:  # in recorded order: the live facts keep it
            if isinstance(event, PersonalDetailsRecorded):
                details[event.employee_id] = event
                forgotten.discard(event.employee_id)
            elif isinstance(event, PersonalDetailsForgotten):
                details.pop(event.employee_id, None)
                forgotten.add(event.employee_id)
            elif isinstance(event, WithholdingRecorded):
                withheld[(event.pay_period, event.employee_id)] = event.tax_withheld_cny
            elif isinstance(event, PaymentChannelDeclared):
                channels.append(event)
        return cls(details, frozenset(forgotten), withheld, tuple(channels))

    def withheld_in(self, period: Period) -> dict[str, Decimal]:
        """The tax payroll reported withheld from each person's pay of the period: what
        the bank file deducts and the payslip shows as 代扣个税."""
        return {employee: tax for (pay_period, employee), tax in self.withheld_cny.items()
                if pay_period == str(period)}

    def channel_for(self, period: Period) -> str:
        """The channel in force for a period: the latest declaration from it or before;
        a bank file when none was declared."""
        chosen = "bank_file"
        for event in self.channels:
            if Period.parse(event.from_period) <= period:
                chosen = event.channel
        return chosen


# ------------------------------------------------------------------ masking

MASK = "****"


def mask_account(account: str) -> str:
    """A bank account as others may see it: the first four and last four digits, the rest
    in groups of four stars (6222 **** **** 1234). Short numbers show only their last two."""
    digits = "".join(account.split())
    if len(digits) <= 8:
        return MASK + digits[-2:] if len(digits) > 2 else MASK
    hidden_groups = max(1, (len(digits) - 8 + 3) // 4)
    return " ".join([digits[:4], *([MASK] * hidden_groups), digits[-4:]])


def mask_id_number(id_number: str) -> str:
    """An ID number as others may see it: the first three and the last character."""
    text = id_number.strip()
    if len(text) <= 4:
        return MASK
    return text[:3] + "*" * (len(text) - 4) + text[-1]


def mask_name(bank_name: str) -> str:
    """A bank's name is not secret on its own, but with the rest masked it stays whole."""
    return bank_name

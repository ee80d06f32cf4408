"""What `verify` found, in the reader's language: the CLI's lines, the API's `detail`
and the audit page all word a finding here. The verification (projections/audit.py,
projections/receipts.py, api/storage/view_checks.py) hands over a kind, the check that
failed and its figures; the English texts below are the message ids.

Machine fields (`kind`, `reason`, `position`, `event_id`, `type`) never pass through
here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from api.i18n import N_, current_language, gettext, translations, use_language
from api.i18n.events import event_name
from api.i18n.figures import NP_
from api.i18n.messages import Worded, translate

if TYPE_CHECKING:
    from projections.audit import ChainReport, Finding
    from projections.views import RowFault

CONTEXT: Final = "finding"


# A finding's kind as its line starts (machine output keeps the kind itself); with a
# context, since "view" and "head" may mean other things elsewhere in the catalogue.
# "count" is worded "counts differ": the pages already translate a plain "count".
KIND_NAMES: Final = {
    "altered": NP_("finding", "altered"),
    "removed": NP_("finding", "removed"),
    "inserted": NP_("finding", "inserted"),
    "count": NP_("finding", "counts differ"),
    "head": NP_("finding", "head"),
    "anchor": NP_("finding", "anchor"),
    "view": NP_("finding", "view"),
    "receipt": NP_("finding", "receipt"),
    "snapshot": NP_("finding", "snapshot of the fold"),
}
# What each check found, by `Finding.why` (the reason, or the kind when it has one text).
DETAILS: Final = {
    "altered": N_("its stored bytes no longer hash to the chain's link (the event, or its "
                  "chain row, was changed after it was chained)"),
    # an `altered` event whose stored id is no UUID: no link is made of it
    "unreadable_id": N_("its stored id is not a UUID, so no chain link is made of it: the "
                        "id was edited in the database after the event was chained"),
    "unchained_id": N_("its stored id is not a UUID, so no chain link is made of it: the "
                       "database was edited, and no event from here on is chained until "
                       "the row is restored"),
    "removed": N_("the chain records this event but the log no longer holds it"),
    "inserted": N_("this event is not in the chain: it was written into the log after the "
                   "events around it were chained"),
    "count": N_("{events} stored event(s) up to position {position}, {links} chain link(s)"),
    "head": N_("the chain's recorded head is not its last link: chain rows were removed or "
               "changed"),
    "anchor": N_("this close recorded chain head {head}… at position {position}; the chain "
                 "there differs: events up to that position were rewritten"),
    # a stored statement row (api/storage/view_checks.py; projections/views.py RowFault)
    "row_edited": N_("statement row {period}: its content does not hash to its stored "
                     "sha256 {sha256}… (edited in the database)"),
    "row_ahead": N_("statement row {period}: computed at position {position}, after the "
                    "view's position {view_position}"),
    "row_unlike_close": N_("statement row {period}: sha256 {sha256}… differs from "
                           "{recorded}… recorded when the period was closed"),
    # a signed receipt (projections/receipts.py)
    "unsigned": N_("the receipt of {recorded_at} is not signed by the trusted key {key_id}: "
                   "it cannot vouch for anything"),
    "truncated": N_("truncated: the chain ends at position {chained_upto}, but the receipt "
                    "of {recorded_at} covers position {position}"),
    "head_differs": N_("the chain at position {position} is not the head {head}… signed on "
                       "{recorded_at}: events up to there were rewritten or replaced and "
                       "the chain recomputed"),
    "count_differs": N_("{counted} event(s) up to position {position}; the receipt signed "
                        "{events}"),
    # the stored snapshot of the fold (api/storage/snapshot_check.py)
    "snapshot_beyond": N_("it claims position {position}, beyond the store's last event "
                          "{last}; it is not used"),
    "snapshot_chain": N_("it was signed under chain head {head}…, which the chain no longer "
                         "holds at its position: events up to there were rewritten; it is "
                         "not used"),
    "snapshot_pieces": N_("its stored pieces are not one body of a bounded size; it is not "
                          "used"),
    "snapshot_unreadable": N_("it cannot be read ({error}); it is not used"),
    "snapshot_differs": N_("signed under this key, yet its facts differ from a fold of the "
                           "stored events up to its position: whoever holds the key wrote "
                           "it, or this version of jixiao folds differently"),
}
LINE: Final = N_("{kind}: {what}: {detail}")
LINE_WITHOUT_PLACE: Final = N_("{kind}: {detail}")
EVENT_AT: Final = N_("event {event_id} at position {position}")
POSITION: Final = N_("position {position}")
WHOLE_CHAIN: Final = N_("the chain")
WITH_TYPE: Final = N_("{what} ({name}, {type})")
WITH_TYPE_ONLY: Final = N_("{what} ({type})")
# A checkpoint refused (api/usecases/integrity.py ChainBrokenError), with the first finding.
CHECKPOINT_REFUSED: Final = N_("the chain is broken; nothing signed: {first}")
# What `verify` could not say of the stored snapshot of the fold (ChainReport.snapshot).
SNAPSHOT_STATES: Final = {
    "checked": N_("snapshot of the fold at position {position}: the same facts as a fold "
                  "of the stored events up to there"),
    "no_key": N_("the snapshot of the fold was not checked: no snapshot key here "
                 "(JIXIAO_SNAPSHOT_KEY_FILE), or snapshots are off"),
    "other_code": N_("the snapshot of the fold was not checked: written by another version "
                     "of jixiao, which this one never reads"),
    # Not a finding: a snapshot that fails the MAC is never used, so it changed nothing
    # (api/storage/snapshot_check.py); right after a key change it is the old one.
    "other_key": N_("the snapshot of the fold was not checked: its MAC does not match this "
                    "environment's snapshot key (written under another key, or forged); it "
                    "is never used"),
    # A role granted before the owner made the table: told, not read as none (the
    # owner's sessions may use it).
    "not_granted": N_("the snapshot of the fold was not checked: this database role may "
                      "not read the table jixiao_facts_snapshots; ask its owner to GRANT "
                      "SELECT ON jixiao_facts_snapshots to this role (docs/deploy.md)"),
}
# A stored statement row that failed its check and was recomputed (a CLI warning, the
# API's `integrity_warning`).
TAMPERED: Final = N_("the view was tampered with; recomputed from the events: {problem}")
# `--json` is machine output, the same in every language (README, `--lang`'s help): its
# `detail` is worded in English there whatever the reader chose.
MACHINE_LANGUAGE: Final = "en"


# A stored event's id and type are whatever the database holds: a crafted topic with
# "\x1b[2K\r" would erase, on a terminal, the very line that names it (and bidi overrides
# reorder it). Such characters are shown escaped, as Python writes them.
UNSHOWN: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escaped(text: str) -> str:
    return UNSHOWN.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def kind_name(kind: str) -> str:
    named = KIND_NAMES.get(kind)
    if named is None:
        return kind
    return str(translations(current_language()).pgettext(CONTEXT, named))


def finding_detail(finding: Finding) -> str:
    """What the check found, in the current language (the API's `detail`)."""
    return _detail(finding.why, finding.values)


def _detail(why: str, values: tuple[tuple[str, Any], ...]) -> str:
    template = DETAILS.get(why)
    if template is None:  # a check newer than its text: its figures, never nothing
        return ", ".join(f"{name} {value}" for name, value in values) or why
    return gettext(template).format(**dict(values))


def warning_text(warning: str) -> str:
    """A session's warning in the current language: a recomputed row's from its fault
    (projections.views.TamperedWarning); any other (a snapshot refused, kept in English)
    by its template (api/i18n/error_templates.py), else as it was written."""
    fault: RowFault | None = getattr(warning, "fault", None)
    if fault is None:
        return translate(warning)
    return gettext(TAMPERED).format(problem=_detail(fault.reason, fault.values))


def finding_line(finding: Finding) -> str:
    """One finding as the CLI and the audit page show it: its kind, where, what."""
    return worded_finding(finding).text


def worded_finding(finding: Finding) -> Worded:
    """`finding_line`, with its template and the value it begins with for sentence case
    (api/web/templating.py `sentence`): a kind of ours is a word; one that is not (a
    newer store's, shown by its id) stays as spelt."""
    kind, detail = kind_name(finding.kind), finding_detail(finding)
    leading = None if finding.kind in KIND_NAMES else finding.kind
    # a snapshot with no position is one whose pieces are not one body: not the chain
    if finding.kind in ("view", "receipt") or (finding.kind == "snapshot"
                                                and finding.position is None):
        return Worded(gettext(LINE_WITHOUT_PLACE).format(kind=kind, detail=detail),
                      LINE_WITHOUT_PLACE, leading)
    if finding.event_id:
        what = gettext(EVENT_AT).format(event_id=escaped(finding.event_id),
                                        position=finding.position)
    elif finding.position is not None:
        what = gettext(POSITION).format(position=finding.position)
    else:
        what = gettext(WHOLE_CHAIN)
    if finding.type:
        name, type_shown = event_name(finding.type), escaped(finding.type)
        # an unknown (or crafted) type has no name of its own: said once, not twice
        what = (gettext(WITH_TYPE).format(what=what, name=name, type=type_shown)
                if name != finding.type else gettext(WITH_TYPE_ONLY).format(
                    what=what, type=type_shown))
    return Worded(gettext(LINE).format(kind=kind, what=what, detail=detail), LINE, leading)


def snapshot_line(report: ChainReport) -> str | None:
    """What `verify` says of the stored snapshot besides its findings, or None."""
    template = SNAPSHOT_STATES.get(report.snapshot)
    if template is None or (report.snapshot == "checked" and any(
            finding.kind == "snapshot" for finding in report.findings)):
        return None
    return gettext(template).format(position=report.snapshot_at)


def checkpoint_refused(first: Finding) -> str:
    return gettext(CHECKPOINT_REFUSED).format(first=finding_line(first))


def report_json(report: ChainReport) -> dict[str, Any]:
    """A chain report as the API gives it, each `detail` in the current language (the
    machine fields as they are), with the `notes` the CLI prints below its findings."""
    return {**report.to_json(finding_detail), "notes": report_notes(report)}


def report_notes(report: ChainReport) -> list[dict[str, Any]]:
    """What `verify` says besides its findings: today whether the stored snapshot of the
    fold was checked (`snapshot_line`), for the API and the audit page. Not in `--json`,
    whose shape is pinned."""
    line = snapshot_line(report)
    if line is None:
        return []
    return [{"kind": "snapshot", "state": report.snapshot, "position": report.snapshot_at,
             "detail": line}]


def report_json_machine(report: ChainReport) -> dict[str, Any]:
    """A chain report as `--json` gives it: `detail` in English in every language."""
    with use_language(MACHINE_LANGUAGE):
        return report.to_json(finding_detail)

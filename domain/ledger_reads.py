"""What the ledger does without writing: read and fold its stored events, check commands
against the facts, and preview a batch (a what-if) as if it were recorded.

The write side (domain/application.py) is an eventsourcing Application built on this;
a process that only reads (`jixiao payout --with`) uses it over a plain reader of the
store (api/storage/plain_store.py) and never imports eventsourcing (≈14 ms of CPU of a
what-if's start): nothing here does. Reading is one code path for both: the same
pages, decoder and fold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast
from uuid import NAMESPACE_URL, UUID, SafeUUID, uuid4, uuid5

from pydantic import BaseModel, ValidationError

from domain.adoption_events import adoption_event
from domain.appeal_bodies import AppealDecisionBody
from domain.batch_rules import reused_key, same_fact, with_appeal_key
from domain.check_plans import COMMAND_PLANS, command_plan
from domain.derivations import derivation_events
from domain.envelope import builder_of, event_maker, plain_envelope
from domain.errors import Problem, RejectedError
from domain.events import (
    AdoptScheme,
    LedgerEvent,
    SchemeAdopted,
)
from domain.facts import Facts, cycle_collection_paused
from domain.row_checks import check_rows
from domain.scheme_kinds import parse_scheme
from domain.settings import date_window
from domain.stored_decoding import NotFast
from domain.stored_event import StoredColumns
from domain.stored_reader import FoldChain, Row, read_page, reader_for, store_kind
from domain.stored_topics import stored_class, stored_type_name
from domain.strict_input import STORED_CONTEXT, window_context
from domain.unreadable import invalid_entry
from domain.users import UserDirectory, user_problems
from domain.validation import adopted_scheme_body, check_batch

if TYPE_CHECKING:
    from domain.seen_index import SeenIds

APPLICATION_NAME = "jixiao"
IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://jixiao.invalid/idempotency")
DERIVED_NAMESPACE = uuid5(NAMESPACE_URL, "https://jixiao.invalid/derived-fact")
PAGE_SIZE = 2000
# On SQLite (in process, no round trip per page) smaller pages: a page's rows, events and
# their fold stay in the CPU's caches between the steps; 2000 rows (≈3 MB with their
# events) did not, and the fold ran ≈8 % slower for it.
SQLITE_PAGE_SIZE = 500
_UNRESOLVED: Any = object()


class StoredEventDecoder:
    """Reads a stored event (canonical JSON, decimals as strings) as its pydantic event,
    running upcasts on read; the write side's mapper (`PydanticMapper`) is one, with the
    encoding besides."""

    def __init__(self) -> None:
        # topic → the fast reader of its stored bodies (domain/stored_decoding.py), or
        # None for the types pydantic reads; a body the fast reader declines goes to
        # pydantic too, so a bad stored value is reported exactly as before.
        self._fast: dict[str, Callable[..., LedgerEvent] | None] = {}

    def to_domain_event(self, stored_event: StoredColumns) -> Any:
        state = stored_event.state
        topic = stored_event.topic
        fast = self._fast.get(topic, _UNRESOLVED)
        if fast is _UNRESOLVED:
            fast = reader_for(self, topic)  # None for a topic that names no type of ours
        if fast is not None and type(state) is bytes:
            try:
                return fast(state, stored_event.originator_id, stored_event.originator_version)
            except NotFast:
                # pydantic decides, and words any error exactly as it always has.
                return self._decode_upcasting(stored_class(topic), stored_event)
        cls: type[LedgerEvent] = stored_class(topic)
        # Classes past version 1 go through their upcasts; a state naming the originator
        # itself is not ours, and the general path keeps the stored columns winning.
        if cls.class_version == 1 and type(state) is bytes and (
            b'"class_version"' not in state and b'"originator_' not in state
        ):
            document = _with_originator(state, stored_event)
            if document is not None:
                try:
                    # One pass of pydantic's own JSON parser instead of json.loads and a
                    # validation of the Python objects: the fold's main cost.
                    return cls.model_validate_json(document, context=STORED_CONTEXT)
                except ValidationError:
                    pass  # let the general path below decide, and word any error
        return self._decode_upcasting(cls, stored_event)

    @staticmethod
    def _decode_upcasting(
        event_class: type[LedgerEvent], stored_event: StoredColumns
    ) -> LedgerEvent:
        state = json.loads(stored_event.state)
        stored_version = state.pop("class_version", 1)
        for version in range(stored_version, event_class.class_version):
            state = getattr(event_class, f"upcast_v{version}_v{version + 1}")(state)
        return event_class.model_validate(
            {
                **state,
                "originator_id": stored_event.originator_id,
                "originator_version": stored_event.originator_version,
            },
            context=STORED_CONTEXT,
        )


def read_stored(mapper: Any, stored_event: StoredColumns) -> LedgerEvent:
    """A stored event as its type, or, when it no longer reads as one (a value out of
    range, written by an older version), as an InvalidEntry the fold reports."""
    try:
        return cast(LedgerEvent, mapper.to_domain_event(stored_event))
    except (ValidationError, ValueError) as error:
        return invalid_entry(stored_type_name(stored_event.topic), stored_event, error)


def _with_originator(state: bytes, stored_event: StoredColumns) -> bytes | None:
    """The stored body with the originator's id and version spliced in as its first keys,
    or None when it is not a plain non-empty object (the general path handles those)."""
    originator_id = stored_event.originator_id
    version = stored_event.originator_version
    if type(version) is not int or not state.startswith(b"{") or state.startswith(b"{}"):
        return None
    if type(originator_id) is UUID:
        quoted = b'"%s"' % str(originator_id).encode()
    elif isinstance(originator_id, str):
        quoted = json.dumps(originator_id).encode()
    else:
        return None
    return b'{"originator_id":%s,"originator_version":%d,%s' % (quoted, version, state[1:])


# The namespace hashed once: each key's hash goes on from a copy of it (copying the
# context costs less than making and seeding a new one: ≈0.1 µs a key). It is never
# updated itself, so threads may copy it at once.
_NAMESPACE_HASHED = hashlib.sha1(IDEMPOTENCY_NAMESPACE.bytes, usedforsecurity=False)
_FROM_BYTES = int.from_bytes
_NEW = object.__new__
# uuid.UUID's slots, set through their descriptors: object.__setattr__ looks each name
# up on the class first (as domain/stored_decoding.py does for the models' slots).
_SET_INT = UUID.__dict__["int"].__set__
_SET_SAFE = UUID.__dict__["is_safe"].__set__
_UNKNOWN = SafeUUID.unknown


def idempotency_id(key: str) -> UUID:
    """uuid5(IDEMPOTENCY_NAMESPACE, key), less uuid5's argument checks and per-call look-ups:
    uuid5 itself was 6 % of ingest."""
    hashed = _NAMESPACE_HASHED.copy()
    hashed.update(key.encode())
    made = _NEW(UUID)
    # The digest's first 16 bytes as the whole 20 bytes' int shifted right: no slice
    # (a new bytes object per key), ≈0.06 µs a key less.
    _SET_INT(made, ((_FROM_BYTES(hashed.digest()) >> 32) & _VERSION_5_MASK) | _VERSION_5_BITS)
    _SET_SAFE(made, _UNKNOWN)
    return made


# uuid.UUID's variant (RFC 4122) and version 5 bits, as its constructor sets them.
_VERSION_5_MASK = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_5_BITS = (0x8000 << 48) | (5 << 76)


Progress = Callable[[str, int, int], None]


class LedgerReads:
    """The ledger's reading and checking: over a `recorder` (eventsourcing's, or a plain
    reader's with its `datastore`) and a `mapper` that decodes (`StoredEventDecoder`)."""

    recorder: Any
    mapper: Any

    def init_reads(self) -> None:
        """The fold's state, once `recorder` is set."""
        self._facts = Facts()
        self.seed: Callable[[], Facts | None] | None = None  # a checked snapshot of the fold
        self.fold_chain: FoldChain | None = None  # set by a session that may sign the fold
        self.page_size = (SQLITE_PAGE_SIZE if store_kind(self.recorder) == "sqlite"
                          else PAGE_SIZE)

    def read(
        self, after: int = 0, cutoff: datetime | None = None, page_size: int | None = None
    ) -> Iterator[tuple[int, LedgerEvent]]:
        """Events in notification order, optionally only those recorded up to `cutoff`."""
        for page in self.read_pages(after, page_size):
            for position, event in page:
                if cutoff is not None and event.recorded_at > cutoff:
                    return
                yield position, event

    def read_pages(self, after: int = 0, page_size: int | None = None,
                   seen: Callable[[list[Row]], None] | None = None,
                   ) -> Iterator[list[tuple[int, LedgerEvent]]]:
        """The events after `after`, a page at a time: plain rows, decoded a page at a
        time (domain/stored_reader.py); pages of `self.page_size` unless given."""
        page_size = page_size or self.page_size
        start = after + 1
        while True:
            page = read_page(self.recorder, self.mapper, start, page_size, read_stored, seen=seen)
            yield page
            if len(page) < page_size:
                return
            start = page[-1][0] + 1

    def facts(self, cutoff: datetime | None = None) -> Facts:
        """Everything known now (cached, caught up), or as known at `cutoff`."""
        if cutoff is not None:
            return Facts.fold(self.read(cutoff=cutoff))
        if self.seed is not None and not self._facts.events:  # tried once: then folded
            self._facts, self.seed = self.seed() or self._facts, None
        chain = self.fold_chain
        seen = None if chain is None else lambda rows: chain.read(self._facts.last_position, rows)
        with cycle_collection_paused():
            for page in self.read_pages(after=self._facts.last_position, seen=seen):
                self._facts.apply_page(page)
        return self._facts

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def day_window(self, facts: Facts | None = None) -> tuple[date, date]:
        """The business dates new commands may carry: the window of the latest settings
        (`jixiao settings`), else 2000-01-01 to 2099-12-31, as the fold keeps it
        (`Facts.settings`): no event is scanned for it. `facts`: a fold from a snapshot,
        which keeps every settings event (else the fold of every event)."""
        facts = self.facts() if facts is None else facts
        return date_window(facts.settings)

    # ------------------------------------------------------------------ checking

    def parse_commands(
        self, rows: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> list[tuple[str, BaseModel]]:
        """Validate raw rows into command models; every problem at once."""
        commands, problems, _ = self.check_rows(rows, self.day_window())
        if problems:
            raise RejectedError(problems)
        return commands

    @staticmethod
    def check_rows(
        rows: Sequence[tuple[str, Mapping[str, Any]]],
        day_window: tuple[date, date] | None = None,
    ) -> tuple[list[tuple[str, BaseModel]], list[Problem], frozenset[str]]:
        """(valid commands, problems of the others, ids the invalid rows would define).
        The ids keep a bad hire from showing up again as "unknown employee" below it.
        Dates must lie in `day_window` (the ledger's, `Ledger.day_window`)."""
        return check_rows(rows, window_context(day_window or date_window(None)))

    def held_events(self) -> int:
        """How many events the cached fold holds, without catching it up."""
        return len(self._facts.events)

    def held_facts(self) -> Facts:
        return self._facts  # as it stands, not caught up

    def forget_facts(self) -> None:
        """Drop the cached facts (a chunked batch folded in what it then did not write):
        the next `facts()` reads the store again."""
        self._facts = Facts()
        if self.fold_chain is not None:
            self.fold_chain.restart()

    def preview(
        self, commands: Sequence[tuple[str, BaseModel]], actor: str, *, base: Facts | None = None
    ) -> Facts:
        """The facts as they would be if the commands were recorded: a what-if that is
        checked like a real batch and writes nothing."""
        events, _ = self.prepare(commands, actor)
        return (base or self.facts()).with_events(events)

    def prepare(
        self,
        commands: Sequence[tuple[str, BaseModel]],
        actor: str,
        *,
        closed: frozenset[str] = frozenset(),
        progress: Progress | None = None,
        now: datetime | None = None,
        prior_problems: Sequence[Problem] = (),
        pending: frozenset[str] = frozenset(),
    ) -> tuple[list[LedgerEvent], list[LedgerEvent]]:
        """(new events, idempotent retries) for a batch; RejectedError naming every problem."""
        recorded_at = now or datetime.now(UTC)
        facts = self.facts()
        items, retries, problems = self.check_chunk(
            commands, actor, facts, recorded_at, closed=closed, progress=progress,
            prior_problems=prior_problems, pending=pending)
        if problems:
            raise RejectedError(problems)
        events = [event for _, event in items]
        return events + self.derived(facts, events, recorded_at), retries

    def derived(self, facts: Facts, events: Sequence[LedgerEvent],
                recorded_at: datetime) -> list[LedgerEvent]:
        """What the escalation policies derive from the facts and a batch of events."""
        return derivation_events(facts, events, recorded_at=recorded_at,
                                 parse=lambda adoption: _parsed(facts, adoption),
                                 name_id=lambda name: uuid5(DERIVED_NAMESPACE, name))

    def check_chunk(
        self,
        commands: Sequence[tuple[str, BaseModel]],
        actor: str,
        facts: Facts,
        recorded_at: datetime,
        *,
        closed: frozenset[str] = frozenset(),
        progress: Progress | None = None,
        prior_problems: Sequence[Problem] = (),
        pending: frozenset[str] = frozenset(),
        seen_ids: SeenIds | None = None,
    ) -> tuple[list[tuple[str, LedgerEvent]], list[LedgerEvent], list[Problem]]:
        """((where, new event), idempotent retries, problems) of commands checked against
        `facts`; `seen_ids` carries the ids (as ints: lean) used by earlier chunks."""
        commands, expanded_problems = self._expand_decisions(commands, facts, actor)
        seen_ids = {} if seen_ids is None else seen_ids
        items, retries, problems, user_commands = self._new_items(
            commands, actor, facts, recorded_at, seen_ids=seen_ids, progress=progress)
        problems[:0] = [*prior_problems, *expanded_problems]
        problems += check_batch(facts, items, closed, pending)
        if user_commands:  # only then is it worth folding the users
            problems += user_problems(UserDirectory.fold(facts.live.values()), user_commands,
                                      lambda department_id: department_id in
                                      facts.index.departments)
        return [(where, event) for where, _, event in items], retries, problems

    def _new_items(
        self, commands: Sequence[tuple[str, BaseModel]], actor: str, facts: Facts,
        recorded_at: datetime, *, seen_ids: SeenIds, progress: Progress | None,
    ) -> tuple[list[tuple[str, BaseModel, LedgerEvent]], list[LedgerEvent], list[Problem],
               list[tuple[str, BaseModel]]]:
        """(where, command, its event) of each new command, the idempotent retries, the
        problems of ids made twice, and the user directory commands among the new."""
        items: list[tuple[str, BaseModel, LedgerEvent]] = []
        retries: list[LedgerEvent] = []
        problems: list[Problem] = []
        to_event = self._event_maker(actor, recorded_at)
        # Per command type: its events' builder (None: `to_event` makes them) and whether
        # it is a user directory command; asked once a type, not per command.
        kinds: dict[type, tuple[Callable[..., LedgerEvent] | None, bool]] = {}
        direct = plain_envelope(recorded_at, actor)
        user_commands: list[tuple[str, BaseModel]] = []
        known = facts.events.get
        take = items.append
        for count, (where, command) in enumerate(commands, start=1):
            cls = type(command)
            kind = kinds.get(cls)
            if kind is None:
                kind = kinds[cls] = _kind_of(cls, direct)
            build, user = kind
            try:
                if build is None:
                    event = to_event(command)
                    originator_id = event.originator_id
                else:  # `_built`, inline: it is made for most of a batch's commands
                    values = command.__dict__
                    key = values.get("idempotency_key")
                    originator_id = idempotency_id(key) if key else uuid4()
                    event = build(values, originator_id, recorded_at, actor)
            except ValidationError as error:
                problems += _refusals(where, error)
                continue
            except ValueError as error:
                problems.append(Problem(where, "", str(error)))
                continue
            seen = originator_id.int
            if seen in seen_ids:
                problems.append(Problem(where, "idempotency_key", "the same key as "
                                        f"{seen_ids[seen]}; each entry needs its own"))
                continue
            seen_ids[seen] = where
            earlier = known(originator_id)
            if earlier is not None:
                if same_fact(earlier, event):
                    retries.append(earlier)
                else:
                    problems.append(reused_key(where, earlier))
                continue
            take((where, command, event))
            if user:
                user_commands.append((where, command))
            if progress is not None and count % 500 == 0:
                progress("checking", count, len(commands))
        return items, retries, problems, user_commands

    def _expand_decisions(
        self, commands: Sequence[tuple[str, BaseModel]], facts: Facts, actor: str
    ) -> tuple[list[tuple[str, BaseModel]], list[Problem]]:
        """An appeal decision brings the corrections it implies into its own batch, so the
        decision and its effect are recorded together or not at all. Appeal steps get
        deterministic keys, so two reviewers deciding at once conflict instead of forking."""
        if not any((COMMAND_PLANS.get(cls) or command_plan(cls)).appeal_step
                   for cls in set(map(type, map(itemgetter(1), commands)))):
            return list(commands), []  # no appeal step: nothing to key or expand
        # Appeals' rules (with the working calendar): for a batch of appeal steps only.
        from domain.appeals import (  # noqa: PLC0415
            appeal_rule,
            appeals_of,
            correction_rows,
            self_assigned,
        )

        expanded: list[tuple[str, BaseModel]] = []
        problems: list[Problem] = []
        states = None
        for where, given in commands:
            # The plan first: isinstance through pydantic's metaclass is the slow question,
            # asked only of appeal steps and decisions. It narrows the type by the body, not
            # by DecideAppeal: that name makes the command's model on first use.
            plan = COMMAND_PLANS.get(type(given)) or command_plan(type(given))
            command = with_appeal_key(given) if plan.appeal_step else given
            expanded.append((where, command))
            if not plan.decision or not isinstance(command, AppealDecisionBody):
                continue
            states = states if states is not None else appeals_of(facts)
            state = states.get(command.appeal_id)
            if state is None:
                continue  # the decision's own check names the unknown appeal
            if (refusal := self_assigned(state, actor)) is not None:
                problems.append(Problem(where, "actor", refusal))
            _, rule = appeal_rule(facts, state.filed.filed_on)
            if rule is None:
                continue
            rows = correction_rows(facts, state, command, rule)
            # The window of the facts checked against (a fold from a snapshot keeps every
            # settings event): not the fold of every event, made only for this.
            found, bad, _ = self.check_rows([(f"{where} (correction)", row) for row in rows],
                                            self.day_window(facts))
            expanded += found
            problems += bad
        return expanded, problems

    def _to_event(self, command: BaseModel, actor: str, recorded_at: datetime) -> LedgerEvent:
        return self._event_maker(actor, recorded_at)(command)

    def _event_maker(self, actor: str,
                     recorded_at: datetime) -> Callable[[BaseModel], LedgerEvent]:
        """The event of each command of a batch recorded by `actor` at `recorded_at`."""
        build = event_maker(recorded_at, actor)

        def to_event(command: BaseModel) -> LedgerEvent:
            key = command.__dict__.get("idempotency_key")
            originator_id = idempotency_id(key) if key else uuid4()
            if command_plan(type(command)).adoption:
                return _adopted(cast(AdoptScheme, command), originator_id, recorded_at, actor)
            return build(command, originator_id)

        return to_event


def _refusals(where: str, error: ValidationError) -> list[Problem]:
    """A command refused by its model, one problem an error: the value's place (an
    adoption's calculations.late.ladder.cap) and the validator's own message, an English
    id the shells word, not pydantic's report around them."""
    return [Problem(where, ".".join(str(part) for part in e["loc"]),
                    str(e["msg"]).removeprefix("Value error, ")) for e in error.errors()]


def _kind_of(cls: type, direct: bool) -> tuple[Callable[..., LedgerEvent] | None, bool]:
    """A command type's event builder (None: the ledger's `_to_event` makes its events) and
    whether it is a user directory command."""
    plan = command_plan(cls)
    return (builder_of(cls) if direct and not plan.adoption else None), plan.user


def _adopted(adopt: AdoptScheme, originator_id: UUID, recorded_at: datetime,
             actor: str) -> SchemeAdopted:
    # The shipped schemes' reader (importlib.resources, ≈2 ms) only for an adoption by name.
    from domain.shipped_schemes import load_shipped_scheme  # noqa: PLC0415
    shipped = load_shipped_scheme(adopt.scheme) if adopt.scheme else None
    return adoption_event(adopt, adopted_scheme_body(adopt, shipped), originator_id,
                          recorded_at, actor)


def _parsed(facts: Facts, adoption: SchemeAdopted) -> Any:
    """A grading scheme's parsed document, cached on the facts like the reports do."""
    parsed = facts.index.parsed
    if adoption.originator_id not in parsed:
        parsed[adoption.originator_id] = parse_scheme(adoption.document)
    return parsed[adoption.originator_id]

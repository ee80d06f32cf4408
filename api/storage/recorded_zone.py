"""The time zone a ledger's settings name, which the shells show recorded times in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from api.storage.chain import stored_records
from api.storage.read_only import copy_of, read_only
from api.storage.session import found_for_reading, ledger_exists, open_ledger
from domain.settings import LedgerConfigured

SETTINGS_TOPIC = f"{LedgerConfigured.__module__}:{LedgerConfigured.__qualname__}"


def recorded_time_zone(env: Mapping[str, str]) -> ZoneInfo:
    """The zone the ledger's settings name (`jixiao init`); UTC for a ledger without
    settings (or none at all), as times were always read before."""
    connection = None
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        # Read on a plain connection: eventsourcing's would make its tables, which a role
        # granted only reads may not (api/storage/read_only.py).
        found, connection = found_for_reading(env)
        if not found:
            return ZoneInfo("UTC")
    elif not ledger_exists(env):
        return ZoneInfo("UTC")
    copy = copy_of(env) if read_only(env) else None
    ledger = open_ledger(env if copy is None else copy.env, connection is not None,
                         reads_only=connection is not None, connection=connection)
    try:
        zone = "UTC"
        for record in stored_records(ledger, topics=[SETTINGS_TOPIC]):
            try:
                zone = str(json.loads(record.state)["time_zone"])
            except (ValueError, KeyError, TypeError):
                continue  # an altered event: the chain verification names it
        return ZoneInfo(zone)
    finally:
        ledger.close()
        if connection is not None:
            connection.close()
        if copy is not None:
            copy.close()

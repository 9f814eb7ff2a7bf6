"""Antrean RS test helpers: a service day fixed in WIB, and times on it."""

from __future__ import annotations

import datetime

import pytest

from vclaim_async.antrean import AntreanClient
from vclaim_async.testing import VClaimSimulator

WIB = datetime.timezone(datetime.timedelta(hours=7))


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    """An aware time on ``day`` in WIB."""
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=WIB)


@pytest.fixture
def today(vclaim_simulator: VClaimSimulator) -> datetime.date:
    """Today in WIB by the simulator's clock (the service date of seeded bookings)."""
    now = datetime.datetime.fromtimestamp(vclaim_simulator.clock(), tz=WIB)
    return now.date()


__all__ = ["WIB", "AntreanClient", "at"]

"""A FastAPI app with one ``VClaimClient`` for its whole lifespan and an eligibility endpoint.

    pip install fastapi uvicorn
    VCLAIM_SANDBOX=1 uvicorn examples.fastapi_app:app     # on the built-in simulator
    curl localhost:8000/eligibility/9999996668027
    curl -X POST localhost:8000/eligibility -H 'content-type: application/json' \\
         -d '{"identifiers": ["9999996668027", "9999977744807"]}'

The client is created once, when the app starts, and closed when it stops: one connection
pool and one concurrency cap shared by every request (never a client per request). It asks
BPJS with ``VClaimConfig.from_env()``: an incomplete configuration stops the app at start-up,
naming the missing variables, so it can never serve synthetic patients by accident. Only
``VCLAIM_SANDBOX=1`` starts the built-in simulator (whose first participants are the card
numbers above), and it is refused beside real credentials. FastAPI is not a dependency of
vclaim-async.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
from collections.abc import AsyncIterator

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from vclaim_async import (
    AuthenticationError,
    EligibilitySummary,
    NotFoundError,
    Peserta,
    RefusedError,
    VClaimClient,
    VClaimConfig,
    VClaimError,
)

logger = logging.getLogger(__name__)


CREDENTIALS = ("VCLAIM_CONS_ID", "VCLAIM_SECRET", "VCLAIM_USER_KEY")


def sandbox_requested() -> bool:
    """``VCLAIM_SANDBOX=1`` asks for the simulator; anything unclear is refused, not guessed."""
    value = os.environ.get("VCLAIM_SANDBOX", "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value not in ("1", "true", "yes", "on"):
        raise RuntimeError(f"VCLAIM_SANDBOX must be 1 or 0, got {value!r}")
    present = [name for name in CREDENTIALS if os.environ.get(name)]
    if present:
        # Both set is a deployment mistake: never let a stray flag shadow real credentials.
        raise RuntimeError(f"VCLAIM_SANDBOX=1 refused: real credentials set ({', '.join(present)})")
    return True


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with contextlib.AsyncExitStack() as stack:
        if sandbox_requested():
            from vclaim_async.testing import VClaimSimulator

            logger.warning("VCLAIM_SANDBOX=1: serving synthetic participants from the simulator")
            sim = await stack.enter_async_context(VClaimSimulator(participant_count=1000))
            config = sim.config()
        else:
            config = VClaimConfig.from_env()  # ValueError naming what is missing
        app.state.vclaim = await stack.enter_async_context(VClaimClient(config))
        yield


app = FastAPI(title="Eligibility", lifespan=lifespan)


class Eligibility(BaseModel):
    """What the front desk needs to know; never the whole participant record."""

    active: bool
    status: str | None
    nama: str | None
    kelas: str | None
    jenis_peserta: str | None
    prolanis_prb: str | None
    tgl_tat: datetime.date | None

    @classmethod
    def of(cls, peserta: Peserta) -> Eligibility:
        summary = EligibilitySummary.of(peserta)
        return cls(
            active=summary.active,
            status=summary.status,
            nama=peserta.nama,
            kelas=summary.hak_kelas,
            jenis_peserta=summary.jenis_peserta,
            prolanis_prb=summary.prolanis_prb,
            tgl_tat=summary.tgl_tat,
        )


class BatchRequest(BaseModel):
    identifiers: list[str] = Field(max_length=500)
    date: datetime.date | None = None


class BatchItem(BaseModel):
    identifier: str
    status: str
    eligibility: Eligibility | None = None
    error: str | None = None


def _client(request: Request) -> VClaimClient:
    client: VClaimClient = request.app.state.vclaim
    return client


@app.get("/eligibility/{identifier}")
async def eligibility(
    identifier: str, request: Request, date: datetime.date | None = None
) -> Eligibility:
    """Is this card number (13 digits) or NIK (16 digits) covered on ``date`` (default today)?"""
    peserta_api = _client(request).peserta
    try:
        if len(identifier) == 16:
            peserta = await peserta_api.by_nik(identifier, date)
        else:
            peserta = await peserta_api.by_card(identifier, date)
    except ValueError as exc:  # malformed: nothing was sent to BPJS
        raise HTTPException(422, str(exc)) from None
    except NotFoundError as exc:  # BPJS code 201: no such participant
        raise HTTPException(404, exc.message) from None
    except RefusedError as exc:  # BPJS code 201: a business refusal, not a missing record
        raise HTTPException(409 if exc.conflict else 422, exc.message) from None
    except AuthenticationError:
        logger.exception("BPJS refused our credentials")
        raise HTTPException(503, "eligibility service misconfigured") from None
    except VClaimError as exc:  # gateway, timeout, connection: BPJS is having a bad day
        raise HTTPException(502, f"BPJS unavailable: {type(exc).__name__}") from None
    return Eligibility.of(peserta)


@app.post("/eligibility")
async def eligibility_batch(body: BatchRequest, request: Request) -> list[BatchItem]:
    """Many at once, in input order; each item's error is reported, never the whole request's."""
    client = _client(request)
    items: list[BatchItem] = []
    async with client.peserta.check_many(body.identifiers, body.date, ordered=True) as results:
        async for result in results:
            items.append(
                BatchItem(
                    identifier=result.input,
                    status=result.status,
                    eligibility=Eligibility.of(result.peserta) if result.peserta else None,
                    error=None if result.error is None else str(result.error),
                )
            )
    return items

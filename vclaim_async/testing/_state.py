"""The simulator's in-memory VClaim state: what writes created, and what reads derive from.

``sim.state`` is a :class:`SimState`. Tests read it to check what a write did
(``sim.state.seps[no_sep].t_sep["catatan"]``) and seed it to set up a read
(``sim.state.add_rujukan(card)``, ``sim.state.add_internal(...)``). Every request body is kept
in BPJS's own field names, exactly as it arrived.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ._participants import ParticipantRegistry

__all__ = ["Record", "SepRecord", "SimState"]

_DEFAULT_FKTP = ("0301U001", "PUSKESMAS KECAMATAN MENTENG")
_OTHER_HOSPITAL = ("0302R002", "RSUD KOTA SIMULASI")


@dataclass
class SepRecord:
    """One SEP the simulator issued: the ``t_sep`` as inserted (then as updated)."""

    no_sep: str
    t_sep: dict[str, Any]
    peserta: dict[str, Any]
    tgl_pulang: str | None = None
    status_pulang: str | None = None
    #: When (``sim.clock()``) the participant's history starts to show it (a lagging history).
    visible_at: float = 0.0

    @property
    def tgl_sep(self) -> str:
        return str(self.t_sep["tglSep"])

    @property
    def jns_pelayanan(self) -> str:
        return str(self.t_sep["jnsPelayanan"])

    @property
    def no_kartu(self) -> str:
        return str(self.t_sep["noKartu"])


@dataclass
class Record:
    """Any other stored document: its number, its body as sent, and what it derives from."""

    number: str
    body: dict[str, Any]
    created: str
    peserta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class SimState:
    """Everything the simulator holds besides participants.

    Attributes are plain dicts keyed by BPJS numbers:

    - ``seps`` (noSep -> :class:`SepRecord`) and ``deleted_seps``;
    - ``pengajuan`` ((noKartu, tglSep, jnsPelayanan) -> the application and its status);
    - ``tgl_pulang_updates`` (every discharge-date update, in order);
    - ``internal`` (noSep -> internal referrals), ``fingerprints`` ((noKartu, date) -> noSep);
    - ``rujukan_masuk`` (incoming referrals, seeded one FKTP referral per participant and a
      hospital referral for every fourth), ``rujukan_keluar``, ``rujukan_khusus``;
    - ``surat_kontrol`` (surat kontrol and SPRI by number), ``prb`` (by noSRB), ``lpk`` (by noSep);
    - ``claim_status`` (noSep -> "1"/"2"/"3"; discharged SEPs default to "1", verifying).

    ``encrypt_unverified`` makes the write answers whose encryption nobody has confirmed
    (SEP update, pengajuan, LPK writes ...) come back encrypted instead of plain, so a client
    can be tested against both.
    """

    def __init__(
        self,
        participants: ParticipantRegistry,
        *,
        ppk_pelayanan: str,
        today: Callable[[], datetime.date],
    ) -> None:
        self.participants = participants
        self.ppk_pelayanan = ppk_pelayanan
        self.today = today
        self.encrypt_unverified = False
        self.seps: dict[str, SepRecord] = {}
        self.deleted_seps: dict[str, SepRecord] = {}
        self.pengajuan: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.tgl_pulang_updates: list[dict[str, Any]] = []
        self.internal: dict[str, list[dict[str, Any]]] = {}
        self.fingerprints: dict[tuple[str, str], str] = {}
        self.rujukan_masuk: dict[str, Record] = {}
        self.rujukan_keluar: dict[str, Record] = {}
        self.rujukan_khusus: dict[str, Record] = {}
        self.surat_kontrol: dict[str, Record] = {}
        self.prb: dict[str, Record] = {}
        self.lpk: dict[str, Record] = {}
        self.claim_status: dict[str, str] = {}
        self._counters: dict[str, Iterator[int]] = {}
        self._seeded: set[str] = set()

    # -- numbering ---------------------------------------------------------------------------

    def next(self, kind: str) -> int:
        """The next sequence number of a document kind (each kind counts from 1)."""
        counter = self._counters.setdefault(kind, itertools.count(1))
        return next(counter)

    def number(self, ppk: str, on: str, letter: str, kind: str) -> str:
        """A BPJS-shaped number: ``{ppk}{yymm}{letter}{seq:06d}``, 19 characters for an 8-char ppk.

        SEPs use ``V`` (``0301R0011017V000007``), outgoing referrals ``B``, surat kontrol ``K``.
        """
        day = datetime.date.fromisoformat(on)
        return f"{ppk}{day:%y%m}{letter}{self.next(kind):06d}"

    # -- SEPs --------------------------------------------------------------------------------

    def live_seps(self) -> list[SepRecord]:
        """SEPs not deleted, in issue order."""
        return list(self.seps.values())

    # -- incoming referrals ------------------------------------------------------------------

    def add_rujukan(
        self,
        no_kartu: str,
        *,
        rs: bool = False,
        tgl_kunjungan: datetime.date | str | None = None,
        diagnosa: tuple[str, str] = ("K29.7", "Gastritis, unspecified"),
        poli: tuple[str, str] = ("INT", "PENYAKIT DALAM"),
        no_rujukan: str | None = None,
    ) -> str:
        """Seed an incoming referral for a registered participant; returns its number.

        ``rs`` makes it a referral from another hospital (served by the ``rujukan.rs_*`` routes)
        instead of from the participant's FKTP.
        """
        wire = self.participant(no_kartu)
        if wire is None:
            raise KeyError("no participant with that card number")
        if isinstance(tgl_kunjungan, datetime.date):
            day = tgl_kunjungan
        elif tgl_kunjungan is None:
            day = self.today() - datetime.timedelta(days=7)
        else:
            day = datetime.date.fromisoformat(tgl_kunjungan)
        prov = wire.get("provUmum") or {}
        if rs:
            provider = _OTHER_HOSPITAL
        else:
            provider = (
                prov.get("kdProvider") or _DEFAULT_FKTP[0],
                prov.get("nmProvider") or _DEFAULT_FKTP[1],
            )
        letter = "B" if rs else "Y"
        number = no_rujukan or self.number(provider[0], day.isoformat(), letter, "rujukan_masuk")
        self.rujukan_masuk[number] = Record(
            number=number,
            body={
                "noKunjungan": number,
                "tglKunjungan": day.isoformat(),
                "keluhan": "",
                "diagnosa": {"kode": diagnosa[0], "nama": diagnosa[1]},
                "pelayanan": {"kode": "2", "nama": "Rawat Jalan"},
                "poliRujukan": {"kode": poli[0], "nama": poli[1]},
                "provPerujuk": {"kode": provider[0], "nama": provider[1]},
            },
            created=day.isoformat(),
            peserta=wire,
            extra={"rs": rs, "no_kartu": no_kartu},
        )
        return number

    def referrals(self) -> dict[str, Record]:
        """Incoming referrals, seeding any participant registered since the last call."""
        if len(self._seeded) != len(self.participants):
            for index, card in enumerate(self.participants.cards()):
                if card in self._seeded:
                    continue
                self._seeded.add(card)
                self.add_rujukan(card)
                if index % 4 == 0:
                    self.add_rujukan(card, rs=True, poli=("JAN", "JANTUNG DAN PEMBULUH DARAH"))
        return self.rujukan_masuk

    # -- seeding helpers for reads with no write endpoint --------------------------------------

    def add_internal(
        self,
        no_sep: str,
        *,
        no_surat: str,
        tgl_rujukan_internal: str,
        kd_poli_tuj: str,
        nm_poli_tuj: str = "",
        kd_dokter: str = "31486",
        nm_dokter: str = "dr. Ayu Lestari, Sp.PD",
    ) -> dict[str, Any]:
        """Seed an internal referral made under SEP ``no_sep`` (BPJS creates these itself)."""
        record = self.seps.get(no_sep)
        if record is None:
            raise KeyError("no live SEP with that number")
        t_sep = record.t_sep
        item = {
            "tujuanrujuk": kd_poli_tuj,
            "nmtujuanrujuk": nm_poli_tuj or kd_poli_tuj,
            "nmpoliasal": t_sep["poli"]["tujuan"],
            "tglrujukinternal": tgl_rujukan_internal,
            "nosep": no_sep,
            "nosepref": no_sep,
            "ppkpelsep": t_sep["ppkPelayanan"],
            "nokapst": t_sep["noKartu"],
            "tglsep": t_sep["tglSep"],
            "nosurat": no_surat,
            "flaginternal": "1",
            "kdpoliasal": t_sep["poli"]["tujuan"],
            "kdpolituj": kd_poli_tuj,
            "kdpenunjang": "0",
            "nmpenunjang": None,
            "diagppk": t_sep["diagAwal"],
            "kddokter": kd_dokter,
            "nmdokter": nm_dokter,
            "flagprosedur": None,
            "opsikonsul": "1",
            "flagsep": "0",
            "fuser": t_sep["user"],
            "fdate": t_sep["tglSep"],
            "nmdiag": t_sep["diagAwal"],
        }
        self.internal.setdefault(no_sep, []).append(item)
        return item

    def add_fingerprint(self, no_kartu: str, tgl: str, no_sep: str = "") -> None:
        """Record that the participant's fingerprint was validated on ``tgl``."""
        self.fingerprints[(no_kartu, tgl)] = no_sep

    # -- participants ------------------------------------------------------------------------

    def participant(self, no_kartu: str) -> dict[str, Any] | None:
        """The participant's wire dict (BPJS names), or None when unknown."""
        peserta = self.participants.get(no_kartu)
        if peserta is None:
            return None
        wire: dict[str, Any] = msgspec.to_builtins(peserta)
        return wire

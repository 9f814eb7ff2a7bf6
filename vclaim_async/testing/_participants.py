"""A deterministic registry of synthetic JKN participants for the simulator.

Every number here is made up: card numbers, NIKs and names are drawn from a seeded random
generator, so two simulators with the same seed hold the same people, and tests can rely on
``sim.participants.cards()`` without fixtures of their own.

The identifiers come from ranges no real person can have, so a sample file or a test run
by mistake with production credentials can only ever get BPJS's "not found":

- **NIK**: province code ``00``. A NIK starts with the two-digit code of the province that
  issued it (Kemendagri's codes run from 11, Aceh, to 9x, Papua); no province is ``00``. The
  rest keeps the real shape (regency, district, birth date with +40 for women, sequence) so
  code that parses NIKs still works on these.
- **Card number**: prefix ``99999`` (:data:`CARD_PREFIX`), 13 digits. Every JKN card number
  in public material begins ``000`` (the protocol notes' ``0000000000001``, JKN client tests,
  printed KIS cards): BPJS numbers its participants sequentially, and a population of
  under 300 million cannot reach 9,999,900,000,000. :func:`is_synthetic` checks both rules.
"""

from __future__ import annotations

import calendar
import datetime
import random
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec

from .. import _lzstring
from ..models.peserta import Peserta

__all__ = ["CARD_PREFIX", "NIK_PROVINCE", "ParticipantRegistry", "is_synthetic"]

#: Every synthetic card number starts with this; no issued JKN card does (see above).
CARD_PREFIX = "99999"
#: Every synthetic NIK starts with this province code, which no province has.
NIK_PROVINCE = "00"

_FIRST = (
    "BUDI", "SITI", "AGUS", "DEWI", "RINA", "ANDI", "JOKO", "SRI", "WAYAN", "PUTU", "AHMAD",
    "NUR", "YUSUF", "MARIA", "FRANSISKUS", "LESTARI", "HENDRA", "INDAH", "KOMANG", "RATNA",
)  # fmt: skip
_LAST = (
    "SANTOSO", "AMINAH", "WIJAYA", "HARTONO", "SUSANTI", "PRATAMA", "HIDAYAT", "SETIAWAN",
    "KUSUMAWARDHANI", "NASUTION", "SIREGAR", "SIMANJUNTAK", "PURNOMO", "SAPUTRA", "RAHAYU",
)  # fmt: skip
_KELAS = (("1", "KELAS I"), ("2", "KELAS II"), ("3", "KELAS III"))
_JENIS = (
    ("21", "PBI (APBN)"),
    ("22", "PBI (APBD)"),
    ("13", "PEKERJA MANDIRI"),
    ("14", "PEKERJA PENERIMA UPAH"),
    ("1", "PNS PUSAT"),
)
_INACTIVE = (
    ("1", "TIDAK AKTIF KARENA PREMI"),
    ("2", "TIDAK AKTIF KARENA MENINGGAL"),
    ("9", "TIDAK AKTIF KARENA DATA GANDA"),
)
_PROVIDERS = (
    ("0301U001", "PUSKESMAS KECAMATAN MENTENG"),
    ("0302U014", "PUSKESMAS KELURAHAN CEMPAKA"),
    ("1302P011", "KLINIK PRATAMA SEHAT"),
    ("0401U128", "dr. ANITA, PRAKTEK DOKTER"),
)


def _complete(wire: dict[str, Any]) -> dict[str, Any]:
    """``wire`` with the fields every real answer carries filled in, so a partial person works."""
    full: dict[str, Any] = {
        "nama": "PESERTA SIMULASI",
        "pisa": "1",
        "sex": "L",
        "tglLahir": "1980-01-01",
        "tglCetakKartu": "2014-01-01",
        "tglTAT": "2099-12-31",
        "tglTMT": "2014-01-01",
        "statusPeserta": {"kode": "0", "keterangan": "AKTIF"},
        "hakKelas": {"kode": _KELAS[2][0], "keterangan": _KELAS[2][1]},
        "jenisPeserta": {"kode": _JENIS[0][0], "keterangan": _JENIS[0][1]},
        "provUmum": {"kdProvider": _PROVIDERS[0][0], "nmProvider": _PROVIDERS[0][1]},
        "mr": {"noMR": None, "noTelepon": None},
        "informasi": {"dinsos": None, "noSKTM": None, "prolanisPRB": None, "eSEP": None},
        "cob": {"nmAsuransi": None, "noAsuransi": None, "tglTAT": None, "tglTMT": None},
        **wire,
    }
    if "umur" not in full:
        years = _age(datetime.date.fromisoformat(full["tglLahir"]), datetime.date.today())[0]
        full["umur"] = {"umurSaatPelayanan": f"{years} tahun", "umurSekarang": f"{years} tahun"}
    return full


def is_synthetic(identifier: str) -> bool:
    """True for a 13-digit card or 16-digit NIK from the simulator's impossible ranges."""
    if not identifier.isascii() or not identifier.isdigit():
        return False
    if len(identifier) == 13:
        return identifier.startswith(CARD_PREFIX)
    return len(identifier) == 16 and identifier.startswith(NIK_PROVINCE)


def _age(born: datetime.date, on: datetime.date) -> tuple[int, int, int]:
    """Years, months and days from ``born`` to ``on``, the way BPJS words an age."""
    total = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    total = max(total, 0)
    years, months = divmod(total, 12)
    y, m = divmod(born.year * 12 + born.month - 1 + total, 12)
    anchor = datetime.date(y, m + 1, min(born.day, calendar.monthrange(y, m + 1)[1]))
    return years, months, max(0, (on - anchor).days)


class ParticipantRegistry:
    """Synthetic participants, looked up by card number or NIK.

    ``add()`` takes a :class:`~vclaim_async.Peserta` or a dict in BPJS's own field names, so
    tests can put exactly the person they need in front of the client.
    """

    def __init__(self, *, seed: int = 20240101, count: int = 100) -> None:
        self._by_card: dict[str, dict[str, Any]] = {}
        self._by_nik: dict[str, str] = {}
        self._lz_cache: OrderedDict[tuple[str, str], str] = OrderedDict()
        # A test thread may add people while the simulator serves from its own thread.
        self._lock = threading.RLock()
        rng = random.Random(seed)
        for _ in range(count):
            self.add(self._generate(rng))

    def _generate(self, rng: random.Random) -> dict[str, Any]:
        while True:
            # Ten draws, as when cards were "000" + 10 digits: a seed keeps its people.
            digits = rng.choices("0123456789", k=10)
            card = CARD_PREFIX + "".join(digits[len(CARD_PREFIX) - 3 :])
            if card not in self._by_card:
                break
        sex = rng.choice("LP")
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 30000))
        day = born.day + (40 if sex == "P" else 0)
        while True:
            rng.randrange(
                10
            )  # once one of ten real province codes: drawn still, a seed keeps its people
            nik = (
                NIK_PROVINCE
                + f"{rng.randrange(1, 80):02d}{rng.randrange(1, 40):02d}"
                + f"{day:02d}{born.month:02d}{born.year % 100:02d}"
                + f"{rng.randrange(1, 10000):04d}"
            )
            if nik not in self._by_nik:
                break
        active = rng.random() < 0.85
        status = ("0", "AKTIF") if active else rng.choice(_INACTIVE)
        kelas = rng.choice(_KELAS)
        jenis = rng.choice(_JENIS)
        provider = rng.choice(_PROVIDERS)
        tmt = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randrange(0, 2500))
        tat = datetime.date(2099, 12, 31) if active else datetime.date(2023, 6, 30)
        prb = rng.random() < 0.1
        return {
            "noKartu": card,
            "nik": nik,
            "nama": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
            "pisa": rng.choice("1234"),
            "sex": sex,
            "tglLahir": born.isoformat(),
            "tglCetakKartu": tmt.isoformat(),
            "tglTAT": tat.isoformat(),
            "tglTMT": tmt.isoformat(),
            "statusPeserta": {"kode": status[0], "keterangan": status[1]},
            "hakKelas": {"kode": kelas[0], "keterangan": kelas[1]},
            "jenisPeserta": {"kode": jenis[0], "keterangan": jenis[1]},
            "provUmum": {"kdProvider": provider[0], "nmProvider": provider[1]},
            "mr": {"noMR": None, "noTelepon": "08" + "".join(rng.choices("0123456789", k=10))},
            "informasi": {
                "dinsos": None,
                "noSKTM": None,
                "prolanisPRB": "DM" if prb else None,
                "eSEP": None,
            },
            "cob": {"nmAsuransi": None, "noAsuransi": None, "tglTAT": None, "tglTMT": None},
        }

    # -- the public registry -----------------------------------------------------------------

    def add(self, peserta: Peserta | Mapping[str, Any]) -> Peserta:
        """Register a participant (replacing one with the same card number).

        Fields a real answer always carries and the dict leaves out get synthetic defaults
        (active, class III, born 1980-01-01, ...), so a test names only what it cares about.
        """
        if isinstance(peserta, Peserta):
            wire: dict[str, Any] = msgspec.to_builtins(peserta)
        else:
            wire = dict(peserta)
        wire = _complete(wire)
        model = msgspec.convert(wire, Peserta)
        card = model.no_kartu
        with self._lock:
            old = self._by_card.get(card)
            if old is not None and old.get("nik"):
                self._by_nik.pop(old["nik"], None)
            self._by_card[card] = wire
            if model.nik:
                self._by_nik[model.nik] = card
            for key in [k for k in self._lz_cache if k[0] == card]:
                del self._lz_cache[key]
        return model

    def remove(self, no_kartu: str) -> None:
        """Forget a participant: look-ups then answer code "201"."""
        with self._lock:
            wire = self._by_card.pop(no_kartu)
            self._by_nik.pop(wire.get("nik") or "", None)

    def get(self, no_kartu: str) -> Peserta | None:
        """The participant with this card number, if registered."""
        wire = self._by_card.get(no_kartu)
        return None if wire is None else msgspec.convert(wire, Peserta)

    def card_for_nik(self, nik: str) -> str | None:
        return self._by_nik.get(nik)

    def cards(self, *, active: bool | None = None) -> list[str]:
        """Card numbers in registration order (only active or inactive ones if asked)."""
        with self._lock:
            return [
                card
                for card, wire in self._by_card.items()
                if active is None or (wire["statusPeserta"]["kode"] == "0") == active
            ]

    def niks(self) -> list[str]:
        with self._lock:
            return list(self._by_nik)

    def __len__(self) -> int:
        return len(self._by_card)

    def __iter__(self) -> Iterator[Peserta]:
        with self._lock:
            wires = list(self._by_card.values())
        for wire in wires:
            yield msgspec.convert(wire, Peserta)

    def __contains__(self, no_kartu: object) -> bool:
        return no_kartu in self._by_card

    # -- what the simulator serves -----------------------------------------------------------

    def payload_lz(self, no_kartu: str, tgl_sep: str) -> str | None:
        """The LZ-compressed ``{"peserta": ...}`` answer for a service date, cached.

        Only AES depends on the request's timestamp, so the compression is done once per
        participant and date, as a busy server would.
        """
        key = (no_kartu, tgl_sep)
        with self._lock:
            cached = self._lz_cache.get(key)
            if cached is not None:
                self._lz_cache.move_to_end(key)
                return cached
            wire = self._by_card.get(no_kartu)
        if wire is None:
            return None
        data = dict(wire)
        born = wire.get("tglLahir")
        if isinstance(born, str):
            y, m, d = _age(datetime.date.fromisoformat(born), datetime.date.fromisoformat(tgl_sep))
            now = _age(datetime.date.fromisoformat(born), datetime.date.today())[0]
            data["umur"] = {
                "umurSaatPelayanan": f"{y} tahun ,{m} bulan ,{d} hari",
                "umurSekarang": f"{now} tahun",
            }
        text = msgspec.json.encode({"peserta": data}).decode()
        lz = _lzstring.compress_to_encoded_uri_component(text)
        with self._lock:
            self._lz_cache[key] = lz
            if len(self._lz_cache) > 20000:
                self._lz_cache.popitem(last=False)
        return lz

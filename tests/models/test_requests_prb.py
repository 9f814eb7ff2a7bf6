"""Request bodies of the prb writes, byte for byte against recorded catalog samples.

The expected bodies (``tests/fixtures/requests/...``) are written out from the catalog
(protocol doc §3 and the public client types), not from our encoder, so they pin BPJS's
names, nesting and wrappers.
"""

from __future__ import annotations

import msgspec

from vclaim_async.models import enums, prb


def _prb_obat() -> list[prb.PrbObat]:
    return [
        prb.PrbObat(kode_obat="00196120124", signa1="1", signa2="1", jml_obat="11"),
        prb.PrbObat(kode_obat="00011120243", signa1="1", signa2="1", jml_obat="10"),
    ]


# (id, request object, fixture of the exact body the catalog shows)
CASES: list[tuple[str, msgspec.Struct, str]] = [
    (
        "prb-insert",
        prb.PrbInsertRequest(
            request=prb.TPrb(
                t_prb=prb.PrbInsert(
                    no_sep="0301R0111018V000006",
                    no_kartu="9999939043765",
                    alamat="Jln. Sutan Syahrir",
                    email="a@b.c",
                    program_prb=enums.PenyakitPrb.HIPERTENSI,
                    kode_dpjp="31486",
                    keterangan="Kecapekan kerja",
                    saran="Pasien harus olahraga",
                    user="123456",
                    obat=_prb_obat(),
                )
            )
        ),
        "requests/prb/prb-insert.json",
    ),
    (
        "prb-update",
        prb.PrbUpdateRequest(
            request=prb.TPrb(
                t_prb=prb.PrbUpdate(
                    no_srb="1234567",
                    no_sep="0301R0111018V000006",
                    alamat="Jln. Sutan Syahrir",
                    email="",
                    kode_dpjp="31486",
                    keterangan="",
                    saran="",
                    user="123456",
                    obat=_prb_obat(),
                )
            )
        ),
        "requests/prb/prb-update.json",
    ),
    (
        "prb-delete",
        prb.PrbDeleteRequest(
            request=prb.TPrb(
                t_prb=prb.PrbDelete(no_srb="1234567", no_sep="0301R0111018V000006", user="1")
            )
        ),
        "requests/prb/prb-delete.json",
    ),
]

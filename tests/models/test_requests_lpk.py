"""Request bodies of the lpk writes, byte for byte against recorded catalog samples.

The expected bodies (``tests/fixtures/requests/...``) are written out from the catalog
(protocol doc §3 and the public client types), not from our encoder, so they pin BPJS's
names, nesting and wrappers.
"""

from __future__ import annotations

import msgspec

from vclaim_async.models import enums, lpk


def _lpk_data() -> lpk.LpkData:
    return lpk.LpkData(
        no_sep="0301R0011017V000015",
        tgl_masuk="2017-10-30",
        tgl_keluar="2017-10-30",
        poli=lpk.LpkPoli(poli="INT"),
        perawatan=lpk.LpkPerawatan(
            ruang_rawat="1", kelas_rawat="1", spesialistik="1", cara_keluar="1", kondisi_pulang="1"
        ),
        diagnosa=[
            lpk.LpkDiagnosa(kode="N88.0", level=enums.LevelDiagnosa.PRIMER),
            lpk.LpkDiagnosa(kode="A00.1", level=enums.LevelDiagnosa.SEKUNDER),
        ],
        procedure=[lpk.LpkProcedure(kode="00.82"), lpk.LpkProcedure(kode="00.83")],
        rencana_tl=lpk.RencanaTL(
            tindak_lanjut=enums.TindakLanjut.DIPERBOLEHKAN_PULANG,
            kontrol_kembali=lpk.KontrolKembali(tgl_kontrol="2017-11-10"),
        ),
        dpjp="3",
        user="Coba Ws",
    )


# (id, request object, fixture of the exact body the catalog shows)
CASES: list[tuple[str, msgspec.Struct, str]] = [
    (
        "lpk-insert",
        lpk.LpkInsertRequest(request=lpk.TLpk(t_lpk=_lpk_data())),
        "requests/lpk/lpk-insert.json",
    ),
    (
        "lpk-update",
        lpk.LpkUpdateRequest(request=lpk.TLpk(t_lpk=_lpk_data())),
        "requests/lpk/lpk-update.json",
    ),
    (
        "lpk-delete",
        lpk.LpkDeleteRequest(request=lpk.TLpk(t_lpk=lpk.LpkDelete(no_sep="0301R0011017V000015"))),
        "requests/lpk/lpk-delete.json",
    ),
]

"""Request bodies of the rujukan writes, byte for byte against recorded catalog samples.

The expected bodies (``tests/fixtures/requests/...``) are written out from the catalog
(protocol doc §3 and the public client types), not from our encoder, so they pin BPJS's
names, nesting and wrappers.
"""

from __future__ import annotations

import msgspec

from vclaim_async.models import enums, rujukan

# (id, request object, fixture of the exact body the catalog shows)
CASES: list[tuple[str, msgspec.Struct, str]] = [
    (
        "rujukan-insert",
        rujukan.RujukanInsertRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanInsert(
                    no_sep="0301R0110721V000001",
                    tgl_rujukan="2021-07-30",
                    tgl_rencana_kunjungan="2021-08-05",
                    ppk_dirujuk="0301R002",
                    jns_pelayanan="2",
                    catatan="test",
                    diag_rujukan="A15",
                    tipe_rujukan=enums.TipeRujukan.BALIK_PRB,
                    user="Coba Ws",
                )
            )
        ),
        "requests/rujukan/rujukan-insert.json",
    ),
    (
        "rujukan-update",
        rujukan.RujukanUpdateRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanUpdate(
                    no_rujukan="0301R0110721B000001",
                    tgl_rujukan="2021-07-30",
                    tgl_rencana_kunjungan="2021-08-05",
                    ppk_dirujuk="0301R002",
                    jns_pelayanan="2",
                    catatan="test",
                    diag_rujukan="A15",
                    tipe_rujukan=enums.TipeRujukan.PENUH,
                    poli_rujukan="INT",
                    user="Coba Ws",
                )
            )
        ),
        "requests/rujukan/rujukan-update.json",
    ),
    (
        "rujukan-delete",
        rujukan.RujukanDeleteRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanDelete(no_rujukan="0301R0110721B000001", user="Coba Ws")
            )
        ),
        "requests/rujukan/rujukan-delete.json",
    ),
    (
        "rujukan-khusus-insert",
        rujukan.RujukanKhususInsertRequest(
            no_rujukan="0301U0331019P003283",
            diagnosa=[rujukan.KodeRujukan(kode="P;N18"), rujukan.KodeRujukan(kode="S;N18.1")],
            procedure=[rujukan.KodeRujukan(kode="39.95")],
            user="Coba Ws",
        ),
        "requests/rujukan/rujukan-khusus-insert.json",
    ),
    (
        "rujukan-khusus-delete",
        rujukan.RujukanKhususDeleteRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanKhususDelete(
                    id_rujukan="98865", no_rujukan="0301U0331019P003283", user="Coba Ws"
                )
            )
        ),
        "requests/rujukan/rujukan-khusus-delete.json",
    ),
]

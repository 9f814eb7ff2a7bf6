"""Request bodies of the rencana_kontrol writes, byte for byte against recorded catalog samples.

The expected bodies (``tests/fixtures/requests/...``) are written out from the catalog
(protocol doc §3 and the public client types), not from our encoder, so they pin BPJS's
names, nesting and wrappers.
"""

from __future__ import annotations

import msgspec

from vclaim_async.models import enums, rencana_kontrol

# (id, request object, fixture of the exact body the catalog shows)
CASES: list[tuple[str, msgspec.Struct, str]] = [
    (
        "rencana-kontrol-insert",
        rencana_kontrol.RencanaKontrolInsertRequest(
            request=rencana_kontrol.RencanaKontrolInsert(
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        "requests/rencana_kontrol/rencana-kontrol-insert.json",
    ),
    (
        "rencana-kontrol-insert-v2",
        rencana_kontrol.RencanaKontrolInsertV2Request(
            request=rencana_kontrol.RencanaKontrolInsertV2(
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
                form_prb=rencana_kontrol.FormPrb(
                    kode_status_prb=enums.PenyakitPrb.DIABETES_MELLITUS,
                    data=rencana_kontrol.FormPrbData(hba1c=7.5, gdp=120, e_gfr=None),
                ),
            )
        ),
        "requests/rencana_kontrol/rencana-kontrol-insert-v2.json",
    ),
    (
        "rencana-kontrol-update",
        rencana_kontrol.RencanaKontrolUpdateRequest(
            request=rencana_kontrol.RencanaKontrolUpdate(
                no_surat_kontrol="0301R0110321K000002",
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        "requests/rencana_kontrol/rencana-kontrol-update.json",
    ),
    (
        "rencana-kontrol-update-v2",
        rencana_kontrol.RencanaKontrolUpdateV2Request(
            request=rencana_kontrol.RencanaKontrolUpdateV2(
                no_surat_kontrol="0301R0110321K000002",
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        "requests/rencana_kontrol/rencana-kontrol-update-v2.json",
    ),
    (
        "rencana-kontrol-delete",
        rencana_kontrol.RencanaKontrolDeleteRequest(
            request=rencana_kontrol.TSuratKontrol(
                t_suratkontrol=rencana_kontrol.SuratKontrolDelete(
                    no_surat_kontrol="0301R0110321K000002", user="ws"
                )
            )
        ),
        "requests/rencana_kontrol/rencana-kontrol-delete.json",
    ),
    (
        "spri-insert",
        rencana_kontrol.SpriInsertRequest(
            request=rencana_kontrol.SpriInsert(
                no_kartu="9999905689835",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        "requests/rencana_kontrol/spri-insert.json",
    ),
    (
        "spri-update",
        rencana_kontrol.SpriUpdateRequest(
            request=rencana_kontrol.SpriUpdate(
                no_spri="0301R0110321K000003",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        "requests/rencana_kontrol/spri-update.json",
    ),
]

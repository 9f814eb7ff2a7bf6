"""Antrean RS (Antrean Online 2.0): BPJS's outpatient queue service, both halves.

The hospital-hosted half that Mobile JKN calls (WS RS) is :mod:`vclaim_async.antrean.wsrs`.
"""

"""Antrean RS (the outpatient queue service) on the same core as VClaim."""

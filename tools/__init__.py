"""Maintenance scripts run by .ci/run: not part of the installed package."""

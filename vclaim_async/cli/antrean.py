"""``vclaim-async antrean``: commands for Antrean RS (this branch: ``uat``).

The reporter lane builds the full group; ``register`` adds the group and its subcommands.
"""

from __future__ import annotations

import argparse

from .antrean_uat import register_uat

__all__ = ["register"]


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parent: argparse.ArgumentParser | None = None,
) -> None:
    """Add the ``antrean`` group to the top-level subcommands."""
    group = subparsers.add_parser(
        "antrean",
        parents=[parent] if parent is not None else [],
        help="Antrean RS (Mobile JKN queue): UAT rehearsal of a WS RS",
        description="Antrean RS commands.",
    )
    commands = group.add_subparsers(
        dest="antrean_command", metavar="COMMAND", help="the Antrean command to run"
    )
    commands.required = True
    register_uat(commands, parent)

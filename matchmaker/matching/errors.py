"""Errors of the matching engine: every one names the field at fault, so a caller can say which input is wrong."""
from __future__ import annotations


class MatchingInputError(ValueError):
    """Bad input to the engine. ``field`` names the offending field (e.g. ``"vacancy.required[0].trade"``)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PolicyError(MatchingInputError):
    """An invalid scoring policy (weights, bonuses, radii …)."""


class UnknownTrade(MatchingInputError):
    """A trade code that is not a detailed (level-4) occupation of the catalogue."""


class UnknownRecord(KeyError):
    """A worker or vacancy id that the index does not hold."""

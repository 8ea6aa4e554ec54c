"""Unique Pupil Numbers (UPNs): checking them and making synthetic ones.

A UPN has 13 characters: a check letter, then the 3-digit local authority number, the
4-digit establishment number, 2 digits for the year it was given and a 3-character serial.
A temporary UPN ends in a letter instead of a digit.

The check letter follows the DfE's published method (DfE guidance on unique pupil numbers,
gov.uk/government/publications/unique-pupil-numbers): weight characters 2 to 13 by 2 to 13, sum,
take the remainder after dividing by 23, and read the letter at that place in
``CHECK_LETTERS``. A letter in position 13 counts as its place in that same table.

What the check letter catches: any single changed character in positions 1 to 12, and in
position 13 any change except swapping digit *d* for the letter worth *d* (``0``<->``A`` ...
``9``<->``K``), which carry the same value. Because 23 is prime and every weight is below
23, two characters whose values differ by less than 23 can never give the same remainder;
only equal values collide. See ``test_domain_upn.py`` for both halves of that statement.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources
from operator import mul

__all__ = [
    "CHECK_LETTERS",
    "UpnError",
    "la_number_notice",
    "la_numbers",
    "make_upn",
    "upn_check_letter",
    "validate_upn",
]

# 23 letters: the alphabet without I, O and S, which are too easy to misread as 1, 0, 5.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_DIGITS = "0123456789"
_UPN_LENGTH = 13


class UpnError(ValueError):
    """A UPN that cannot be right. ``code`` is stable for tests and importers."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# Digits are worth themselves; a (temporary-UPN) letter is worth its place in the table.
_VALUES = {char: int(char) for char in _DIGITS} | {
    letter: place for place, letter in enumerate(CHECK_LETTERS)
}
_WEIGHTS = range(2, _UPN_LENGTH + 1)


def _check_characters(body: str) -> None:
    """Raise unless ``body`` (characters 2-13) has digits then a digit or allowed letter."""
    if body[:-1].isascii() and body[:-1].isdigit() and body[-1] in _VALUES:
        return  # the usual case, checked without a loop: a county's file has 250,000 UPNs
    for position, char in enumerate(body[:-1], start=2):
        if char not in _DIGITS:
            raise UpnError(
                f"Character {position} of a UPN should be a digit, but it is '{char}'.",
                "upn.characters",
            )
    last = body[-1]
    if last not in _DIGITS and last not in CHECK_LETTERS:
        raise UpnError(
            f"The last character of a UPN should be a digit or a letter other than I, O or S, "
            f"but it is '{last}'.",
            "upn.characters",
        )


def upn_check_letter(first_twelve_after_letter: str) -> str:
    """Return the check letter for the 12 characters that follow it in a UPN."""
    body = first_twelve_after_letter
    if len(body) != _UPN_LENGTH - 1:
        raise UpnError(
            f"The check letter is worked out from 12 characters; {len(body)} were given.",
            "upn.length",
        )
    _check_characters(body)
    total = sum(map(mul, _WEIGHTS, map(_VALUES.__getitem__, body)))
    return CHECK_LETTERS[total % 23]


def validate_upn(value: str) -> str:
    """Return the UPN upper-cased and stripped, or raise ``UpnError`` saying what is wrong."""
    upn = value.strip().upper()
    if len(upn) != _UPN_LENGTH:
        raise UpnError(
            f"A UPN has 13 characters; this one has {len(upn)}.",
            "upn.length",
        )
    if upn[0] not in CHECK_LETTERS:
        raise UpnError(
            f"A UPN starts with a letter other than I, O or S, but this one starts with "
            f"'{upn[0]}'.",
            "upn.characters",
        )
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        raise UpnError(
            f"The first letter of this UPN does not fit the rest of it (it would be "
            f"'{expected}'), so a character has probably been mistyped.",
            "upn.check_letter",
        )
    return upn


def make_upn(
    la: int, estab: int, year: int, serial: int, *, temporary_letter: str | None = None
) -> str:
    """Build a valid UPN from its parts, for synthetic data.

    ``la`` 0-999, ``estab`` 0-9999, ``year`` 0-99 (two-digit year of allocation) and
    ``serial`` 0-999. With ``temporary_letter`` the serial has two digits (0-99) and the
    letter goes last, as in a temporary UPN.
    """
    _in_range("la", la, 999)
    _in_range("estab", estab, 9999)
    _in_range("year", year, 99)
    if temporary_letter is None:
        _in_range("serial", serial, 999)
        tail = f"{serial:03d}"
    else:
        _in_range("serial", serial, 99)
        if len(temporary_letter) != 1 or temporary_letter not in CHECK_LETTERS:
            raise ValueError("temporary_letter must be one letter other than I, O or S")
        tail = f"{serial:02d}{temporary_letter}"
    body = f"{la:03d}{estab:04d}{year:02d}{tail}"
    return upn_check_letter(body) + body


def _in_range(name: str, number: int, highest: int) -> None:
    if not 0 <= number <= highest:
        raise ValueError(f"{name} must be between 0 and {highest}, not {number}")


@functools.cache
def la_numbers() -> frozenset[str]:
    """The DfE's LA numbers (``reference/la_numbers.csv``; its README gives the source)."""
    table = resources.files("attune.people.domain").joinpath("reference/la_numbers.csv")
    text = table.read_text("utf-8")
    return frozenset(row["code"] for row in csv.DictReader(text.splitlines()))


def la_number_notice(upn: str) -> str | None:
    """A warning when characters 2 to 4 of a (valid) UPN are not a local authority number.

    The school census rejects such a UPN, but the child is real and the UPN may be all the
    school has, so an import warns, naming it, rather than refusing the file.
    """
    number = upn[1:4]
    if number in la_numbers():
        return None
    return (
        f"characters 2 to 4 of UPN {upn} ({number}) are not a local authority number the DfE "
        "uses, so the school census would reject it; check it with the school that gave it."
    )

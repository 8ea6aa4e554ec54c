"""What management commands share about schools: the ``--school URN`` option and finding the
school (or schools) it names, with the same message for a URN we don't have."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet

from attune.people.models import School

ALL_OR_ONE = "Only this school (default: all)."


def add_school_option(parser: CommandParser, help: str = ALL_OR_ONE) -> None:
    parser.add_argument("--school", metavar="URN", help=help)


def school_by_urn(urn: str) -> School:
    school = School.objects.filter(urn=urn.strip()).first()
    if school is None:
        raise CommandError(f"We don't have a school with URN {urn}.")
    return school


def schools_chosen(urn: str | None) -> QuerySet[School]:
    """Every school in URN order, or only the one ``urn`` names (``--school``)."""
    schools = School.objects.order_by("urn")
    return schools.filter(pk=school_by_urn(urn).pk) if urn else schools

"""``attune audit_verify [--school URN]``: check the audit record for tampering.

Recomputes every chain (or one school's) with the server's key, compares each with its head and
its latest checkpoint (outside the database), prints a summary and writes a new signed
checkpoint line for each chain checked. Exits 1 and names the first bad event of each broken
chain, or what is missing from it. Reads the audit record only. Run it nightly from cron;
``-v 0`` prints nothing unless something is wrong.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.auditlog import checkpoints
from attune.auditlog.chain import chain_name
from attune.auditlog.models import AuditEvent
from attune.auditlog.verify import Outcome, school_of_chain, verify_chains


def _schools() -> Any:
    """The schools, reached through the audit record's own foreign key: the audit record sits
    below every app that owns a model, so it names none of them."""
    return AuditEvent._meta.get_field("school").related_model._default_manager


class Command(BaseCommand):
    help = "Check the audit record for tampering and write a signed checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", help="Only this school's chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        only = None
        if options["school"]:
            urn = options["school"].strip()
            school_id = _schools().filter(urn=urn).values_list("pk", flat=True).first()
            if school_id is None:
                raise CommandError(f"We don't have a school with URN {urn}.")
            only = chain_name(school_id)
        started = time.perf_counter()
        outcome = verify_chains(only)
        seconds = time.perf_counter() - started
        try:
            checkpoints.append(outcome.checkpoints())
        except OSError as error:
            self._report(outcome, seconds, verbosity=0)
            raise CommandError(
                f"The check ran, but its checkpoint could not be written to "
                f"{checkpoints.directory()} ({error.strerror}). Set ATTUNE_AUDIT_CHECKPOINT_DIR "
                "to a folder Attune can write.",
                returncode=1,
            ) from error
        self._report(outcome, seconds, options["verbosity"])

    def _report(self, outcome: Outcome, seconds: float, verbosity: int) -> None:
        names = _chain_labels(list(outcome.ends))
        if verbosity >= 2:
            for name, end in sorted(outcome.ends.items()):
                state = "broken" if end.problem else "intact"
                last = f" up to event {end.last_id}" if end.last_id else ""
                self.stdout.write(f"{names[name]}: {state}, {_count(end.events, 'event')}{last}.")
        for problem in outcome.problems:
            self.stderr.write(f"{names[problem.chain]}: {problem.text}")
        for bad in outcome.bad_lines:
            self.stderr.write(
                f"A checkpoint line was altered (its signature does not match): "
                f"{bad.path}, line {bad.number}."
            )
        counted = f"{_count(len(outcome.ends), 'chain')}, {_count(outcome.events_read, 'event')}"
        if not outcome.intact:
            found = _count(len(outcome.problems) + len(outcome.bad_lines), "problem")
            raise CommandError(
                f"The audit record failed its check ({counted}): {found}, listed above. "
                "What to do: docs/security.md, “When audit_verify fails”.",
                returncode=1,
            )
        if verbosity >= 1:
            self.stdout.write(
                f"The audit record is intact: {counted}, checked in {seconds:.2f} s. "
                f"Checkpoint written to {checkpoints.directory()}."
            )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _chain_labels(chains: list[str]) -> dict[str, str]:
    """Each chain in words: the school's name and URN (one query), or the system chain."""
    ids = [i for i in map(school_of_chain, chains) if i is not None]
    schools = {
        pk: (urn, name)
        for pk, urn, name in _schools().filter(pk__in=ids).values_list("pk", "urn", "name")
    }
    labels = {}
    for chain in chains:
        school_id = school_of_chain(chain)
        if school_id is None:
            labels[chain] = "Events outside any school (chain system)"
        elif school_id in schools:
            urn, name = schools[school_id]
            labels[chain] = f"{name}, URN {urn} (chain {chain})"
        else:
            labels[chain] = f"A school no longer in Attune (chain {chain})"
    return labels

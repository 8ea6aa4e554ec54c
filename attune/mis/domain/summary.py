"""What a run did, in words: for the command's output and the connection page."""

from __future__ import annotations

from collections.abc import Mapping

# Each count a run keeps, as it reads in a sentence (in the order they are listed).
WORDS: dict[str, str] = {
    "pupils_added": "{n} new pupil{s}",
    "pupils_updated": "{n} pupil{s} updated",
    "pupils_unchanged": "{n} already up to date",
    "pupils_linked": "{n} matched to child{ren} already in Attune by UPN",
    "pupils_relinked": "{n} re-enrolled child{ren} found again",
    "pupils_left": "{n} left",
    "pupils_restored": "{n} back on roll",
    "pupils_not_added": "{n} not added (details missing)",
    "pupils_erased_not_readded": "{n} erased in Attune and not brought back",
    "cohorts_started": "{n} cohort membership{s} started",
    "cohorts_changed": "{n} cohort membership{s} changed or ended",
    "contacts_added": "{n} new contact{s}",
    "contacts_updated": "{n} contact{s} updated",
    "contacts_ended": "{n} contact{s} ended",
    "contacts_restored": "{n} contact{s} back in the MIS",
    "child_contacts_added": "{n} contact{s} linked to children",
    "child_contacts_changed": "{n} contact link{s} changed",
    "child_contacts_ended": "{n} contact link{s} ended",
    "contacts_not_given": "{n} child{ren} whose contacts the MIS did not share",
    "contacts_for_children_not_in_attune": "{n} child{ren} not in Attune skipped",
    "staff_added": "{n} new staff",
    "staff_updated": "{n} staff updated",
    "staff_linked": "{n} matched to staff already in Attune by email",
    "staff_ended": "{n} no longer active",
    "staff_restored": "{n} active again",
    "former_staff_not_added": "{n} former staff not added",
    "groups_added": "{n} new group{s}",
    "groups_updated": "{n} group{s} updated",
    "groups_ended": "{n} group{s} ended",
    "group_joins": "{n} child{ren} joined groups",
    "group_leaves": "{n} left groups",
    "group_members_not_in_attune": "{n} group member{s} not in Attune",
    "marks_read": "{n} mark{s} read",
    "marks_added": "{n} new mark{s}",
    "marks_replaced": "{n} mark{s} replaced (the old kept in the history)",
    "marks_unchanged": "{n} mark{s} already up to date",
    "marks_for_children_not_in_attune": "{n} mark{s} for children not in Attune skipped",
    "minutes_late_left_out": "{n} minutes-late left out (not with L or U)",
    "deletions_not_in_attune": "{n} deletion{s} of records Attune never had",
    "conflicts": "{n} conflict{s} to check",
    "raw_pages_kept": "{n} page{s} kept as they came (not fully read)",
}


def describe(counts: Mapping[str, int]) -> str:
    """``"3 new pupils, 1 pupils updated"``; "nothing changed" when every count is zero."""
    parts = [
        words.format(n=f"{n:,}", s="" if n == 1 else "s", ren="" if n == 1 else "ren")
        for name, words in WORDS.items()
        if (n := counts.get(name, 0)) > 0
    ]
    return ", ".join(parts) if parts else "nothing changed"

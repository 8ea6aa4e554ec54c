"""The handover pack as a PDF, drawn with Attune's one PDF document (``attune/pdf.py``)."""

from __future__ import annotations

from decimal import Decimal

from attune.pdf import Document, plain
from attune.plans.selectors import HandoverPack

# TEMPORARY: other apps imported the old private helper from here; they move to
# ``attune.pdf.plain``, and the lead removes this name once none is left.
_plain = plain


def _num(value: Decimal) -> str:
    """20.00 as "20", 2.50 as "2.5"."""
    return f"{value.normalize():f}"


def handover_pdf(pack: HandoverPack) -> bytes:
    pupil = pack.pupil
    pdf = Document(f"Handover pack: {pupil.display_name}")
    pdf.title_line(f"Handover pack: {pupil.display_name}")
    pdf.para(
        f"{pupil.year_label}. For {pack.recipient_label.lower()}. "
        f"Made on {pack.today:%-d %B %Y}. Confidential: keep it safe and destroy it when "
        "no longer needed."
    )
    pdf.heading("About me")
    pdf.para(pupil.about_me)
    pdf.heading("What helps me")
    pdf.para(pupil.what_helps)
    pdf.heading("The adults around me")
    if pack.key_adult:
        k = pack.key_adult
        co = f", with {k.co_worker.full_name} covering" if k.co_worker else ""
        pdf.bullet(f"Key adult: {k.key_adult.full_name} since {k.started_on:%-d %B %Y}{co}.")
    for m in pack.close_team:
        pdf.bullet(f'{m.staff.full_name}, chosen by {pupil.known_as}: "{m.child_words}"')
    show_contacts = "contacts" in pack.sections
    for w in pack.wider_team:
        where = f", {w.organisation}" if w.organisation else ""
        reach = " ".join(x for x in (w.email, w.phone) if x) if show_contacts else ""
        pdf.bullet(f"{w.name} ({w.get_role_display()}{where}){'. ' + reach if reach else ''}")
    if "needs" in pack.sections:
        pdf.heading("Additional needs and groups")
        items = [c.get_cohort_display() for c in pack.cohorts]
        items += [n.get_need_display() for n in pack.needs]
        pdf.para(", ".join(items) if items else "None recorded.")
    if "plans" in pack.sections:
        pdf.heading("Current plans and targets")
        if not pack.plans:
            pdf.para("No current plans.")
        for plan, version in pack.plans:
            pdf.heading(f"{plan.get_kind_display()} (led by {plan.owner.full_name})", size=10.5)
            pdf.para(f"In {pupil.known_as}'s words: {version.child_goals}")
            for t in version.targets.all():
                pdf.bullet(
                    f"{t.description}: from {_num(t.baseline)} to {_num(t.target_value)} {t.unit} "
                    f"by {t.by_date:%-d %B %Y} ({t.owner_label})"
                )
            for s in version.next_steps.all():
                pdf.bullet(f"{s.description} ({s.owner_label})")
    if "chronology" in pack.sections:
        pdf.heading("The last six months")
        if not pack.recent:
            pdf.para("Nothing recorded.")
        for e in pack.recent:
            pdf.bullet(f"{e.day}: {e.title}")
    return pdf.bytes()

"""Background work for check-ins: sending emails home. Run by ``attune db_worker``."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from attune.checkins.models import EmailHome
from attune.checkins.services import email_home_send
from attune.tenancy import school_scope


@task()
def send_email_home(school_id: int, email_id: str, attempts_before: int) -> str:
    """One attempt to send one email home; the row records how it went."""
    with school_scope(school_id):
        email = EmailHome.objects.select_related("pupil", "pupil__school").filter(pk=email_id)
        found = email.first()
        if found is None:  # the child's records were removed since: nothing to send
            return "gone"
        return email_home_send(
            email=found, attempts_before=attempts_before, now=timezone.now()
        ).status

"""Builders for tests and benchmarks of email home: a family that agreed to hear by email, a
real SMTP server on this machine to send to, and the background worker run in this process."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from attune.checkins.models import FamilySharing
from attune.tenancy import school_scope

if TYPE_CHECKING:
    from attune.testing import SchoolWorld


def share_by_email(world: SchoolWorld, **overrides: Any) -> FamilySharing:
    """Maya's family agreed a month ago to hear good news by email."""
    values: dict[str, Any] = {
        "school": world.school,
        "pupil": world.child,
        "channel": "email",
        "email": "fletcher.home@example.test",
        "consent_given_by": "Mum",
        "consent_given_on": timezone.localdate() - timedelta(days=30),
    }
    with school_scope(world.school):
        return FamilySharing.objects.create(**(values | overrides))


class Inbox:
    """An aiosmtpd handler that keeps what it is sent, or refuses every message."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 Transaction failed: not today"
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def point_mail_at(settings: Any, port: int) -> None:
    """Send Attune's mail to the SMTP server on this machine's ``port``."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def run_worker(worker_id: str = "test-worker") -> None:
    """Run the django-tasks-db worker in this process until no task is ready, as
    ``attune db_worker --batch`` does (without taking over the process's signals)."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def mail_of(envelope: Any) -> tuple[Any, str]:
    """The message an SMTP envelope carried, and its plain-text body."""
    from email import message_from_bytes

    message = message_from_bytes(envelope.content)
    payload = message.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise TypeError("the message has no single decoded body")
    return message, payload.decode()

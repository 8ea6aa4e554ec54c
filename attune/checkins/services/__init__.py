"""Every write about check-ins, audited in the same transaction, one module per feature:

=====================  ==========================================================
``plans``              agreeing a child's check-in plan
``log``                logging how a check-in went (and cover by the co-worker)
``absences``           staff away for a day (shared with early years), closures
``attunement``         attunement levels with evidence, and targets
``family_sharing``     how good news goes home
``noticing``           two good things about a child's day
``email_home``         the emails home the background worker sends
``keeping_in_touch``   the routine and contacts for a child not in school
=====================  ==========================================================

Callers import from ``attune.checkins.services``; the names below are its public face.
"""

from __future__ import annotations

from attune.checkins.services.absences import (
    AbsenceError,
    school_closure_add,
    staff_absence_record,
    staff_absence_remove,
)
from attune.checkins.services.attunement import attunement_record, relationship_target_set
from attune.checkins.services.email_home import (
    email_body,
    email_home_queue,
    email_home_retry,
    email_home_send,
    email_home_to,
)
from attune.checkins.services.errors import CheckinError
from attune.checkins.services.family_sharing import SharingTerms, family_sharing_save
from attune.checkins.services.keeping_in_touch import (
    Contact,
    Routine,
    keep_in_touch_contact_log,
    keep_in_touch_routine_save,
)
from attune.checkins.services.log import HowItWent, checkin_log
from attune.checkins.services.noticing import (
    WhatWasNoticed,
    noticing_not_yours,
    noticing_record,
    noticing_relationship,
)
from attune.checkins.services.plans import PlanTerms, checkin_plan_save

__all__ = [
    "AbsenceError",
    "CheckinError",
    "Contact",
    "HowItWent",
    "PlanTerms",
    "Routine",
    "SharingTerms",
    "WhatWasNoticed",
    "attunement_record",
    "checkin_log",
    "checkin_plan_save",
    "email_body",
    "email_home_queue",
    "email_home_retry",
    "email_home_send",
    "email_home_to",
    "family_sharing_save",
    "keep_in_touch_contact_log",
    "keep_in_touch_routine_save",
    "noticing_not_yours",
    "noticing_record",
    "noticing_relationship",
    "relationship_target_set",
    "school_closure_add",
    "staff_absence_record",
    "staff_absence_remove",
]

"""Roles and what each may do, in one table so a change of policy is a change of one line."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ATTACHMENT_LEAD = "attachment_lead"
    KEY_ADULT = "key_adult"
    TEACHER = "teacher"
    OFFICE = "office"
    HEADTEACHER = "headteacher"
    VIRTUAL_SCHOOL = "virtual_school"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ATTACHMENT_LEAD: "Strategic attachment lead",
    Role.KEY_ADULT: "Key adult",
    Role.TEACHER: "Teacher",
    Role.OFFICE: "Office staff",
    Role.HEADTEACHER: "Headteacher",
    Role.VIRTUAL_SCHOOL: "Virtual School officer",
    Role.ADMINISTRATOR: "Administrator",
}


class Permission(StrEnum):
    VIEW_PUPILS = "view_pupils"  # the pupil list and a child's "what helps me" summary
    VIEW_ALL_SENSITIVE = "view_all_sensitive"  # cohort flags and needs of every child
    VIEW_OWN_SENSITIVE = "view_own_sensitive"  # the same, for one's own key children
    EDIT_ABOUT_ME = "edit_about_me"  # any child (own key children are allowed separately)
    MANAGE_KEY_ADULTS = "manage_key_adults"
    VIEW_STAFF = "view_staff"
    VIEW_CASELOADS = "view_caseloads"
    VIEW_AUDIT_TRAIL = "view_audit_trail"  # search and export who read or changed what
    RUN_RELATIONAL_AUDIT = "run_relational_audit"  # the whole-school Relational Approaches Audit
    CHECK_IN = "check_in"  # Today: any adult may be a key adult; access is by relationship
    MANAGE_CHECKINS = "manage_checkins"  # any child's plan, absences, closures, oversight
    HANDLE_DATA_REQUESTS = "handle_data_requests"  # retention, legal holds, access, erasure
    MANAGE_SURVEYS = "manage_surveys"  # set up belonging survey rounds and read their results
    RUN_SURVEY_KIOSK = "run_survey_kiosk"  # open the pupil kiosk for a belonging survey round
    MANAGE_INTERVENTIONS = "manage_interventions"  # the catalogue, allocations, measures, impact
    RECORD_INCIDENTS = "record_incidents"  # record an incident (see incidents/access.py for reads)
    VIEW_ALL_INCIDENTS = "view_all_incidents"  # every child's incidents and the school's trends
    MANAGE_TRAINING = "manage_training"  # the course catalogue and everyone's training record
    MANAGE_SUPERVISION = "manage_supervision"  # record and read all supervision of key adults
    VIEW_ATTENDANCE = "view_attendance"  # the school's attendance figures for every pupil
    MANAGE_ATTENDANCE = "manage_attendance"  # upload register files, set term dates
    SHARE_WITH_VIRTUAL_SCHOOL = "share_with_virtual_school"  # the school's sharing agreement
    EARLY_YEARS_REGISTER = "early_years_register"  # early years register, care, development
    MANAGE_MIS_CONNECTION = "manage_mis_connection"  # the Wonde id, sync status, "sync now"


# A Virtual School officer reaches only the children in its cohorts, read-only.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ATTACHMENT_LEAD: frozenset(Permission) - {Permission.VIEW_AUDIT_TRAIL},
    Role.HEADTEACHER: frozenset(Permission) - {Permission.EDIT_ABOUT_ME},
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.VIEW_PUPILS,
            Permission.MANAGE_KEY_ADULTS,
            Permission.VIEW_STAFF,
            Permission.VIEW_CASELOADS,
            Permission.VIEW_AUDIT_TRAIL,
            Permission.MANAGE_MIS_CONNECTION,
        }
    ),
    Role.KEY_ADULT: frozenset(
        {
            Permission.VIEW_PUPILS,
            Permission.VIEW_OWN_SENSITIVE,
            Permission.VIEW_STAFF,
            Permission.CHECK_IN,
            Permission.RECORD_INCIDENTS,
            Permission.RUN_SURVEY_KIOSK,
            Permission.EARLY_YEARS_REGISTER,
        }
    ),
    Role.TEACHER: frozenset(
        {
            Permission.VIEW_PUPILS,
            Permission.VIEW_STAFF,
            Permission.CHECK_IN,
            Permission.RECORD_INCIDENTS,
            Permission.RUN_SURVEY_KIOSK,
        }
    ),
    Role.OFFICE: frozenset(
        {
            Permission.VIEW_PUPILS,
            Permission.CHECK_IN,
            Permission.VIEW_ATTENDANCE,
            Permission.MANAGE_ATTENDANCE,
            Permission.RECORD_INCIDENTS,
            Permission.EARLY_YEARS_REGISTER,
        }
    ),
    Role.VIRTUAL_SCHOOL: frozenset({Permission.VIEW_PUPILS, Permission.VIEW_ALL_SENSITIVE}),
}


def role_can(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


# Anyone who can read sensitive notes (all children's or their own key children's) or the audit
# trail must sign in with a second factor as well as a password.
TWO_FACTOR_PERMISSIONS = frozenset(
    {
        Permission.VIEW_ALL_SENSITIVE,
        Permission.VIEW_OWN_SENSITIVE,
        Permission.VIEW_AUDIT_TRAIL,
        Permission.HANDLE_DATA_REQUESTS,
    }
)


def role_needs_two_factor(role: str) -> bool:
    return bool(ROLE_PERMISSIONS.get(Role(role), frozenset()) & TWO_FACTOR_PERMISSIONS)

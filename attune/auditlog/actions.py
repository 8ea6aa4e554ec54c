"""Every kind of event the audit record holds, as one type.

The value is what is stored (namespaced by the part of Attune that writes it, so the trail can
be searched by its start: ``plans.`` finds every plan, meeting and contact event); the label is
what a person reads on the audit-trail page. A new kind of event is a new member here, so the
trail's filter and its wording can never miss one.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    label: str

    def __new__(cls, value: str, label: str = "") -> Action:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    # Reading a child's record. One event per child per page, written after the page is served
    # (``attune.auditlog.context``); ``changes["page"]`` says which page.
    RECORD_VIEWED = "people.pupil.record_viewed", "Opened a child's record"
    CHILDREN_LISTED = "people.pupil.listed", "Saw a list of children with their details"

    # Schools and children
    SCHOOL_ADDED = "people.school.added", "Added a school"
    SCHOOL_UPDATED = "people.school.updated", "Updated a school"
    ABOUT_ME_UPDATED = "people.pupil.about_updated", "Changed a child's “about me”"
    PUPIL_IMPORT_ADDED = "people.pupil.import_added", "Added a child from a file"
    PUPIL_IMPORT_UPDATED = "people.pupil.import_updated", "Updated a child from a file"
    PUPIL_MIS_ADDED = "people.pupil.mis_added", "Added a child from the school's MIS"
    PUPIL_MIS_UPDATED = "people.pupil.mis_updated", "Updated a child from the school's MIS"
    PUPIL_MIS_LEFT = "people.pupil.mis_left", "The school's MIS recorded a child leaving"
    CONTACT_MIS_ADDED = "people.contact.mis_added", "Added a family contact from the MIS"
    CONTACT_MIS_UPDATED = "people.contact.mis_updated", "Updated a family contact from the MIS"
    CONTACT_MIS_ENDED = "people.contact.mis_ended", "The MIS no longer holds a family contact"
    CHILD_CONTACT_MIS_LINKED = (
        "people.pupil_contact.mis_linked",
        "Recorded a child's family contact from the MIS",
    )
    CHILD_CONTACT_MIS_CHANGED = (
        "people.pupil_contact.mis_changed",
        "Changed how a contact stands to a child, from the MIS",
    )
    CHILD_CONTACT_MIS_ENDED = (
        "people.pupil_contact.mis_ended",
        "Ended a child's family contact, from the MIS",
    )
    STAFF_MIS_ADDED = "people.staff.mis_added", "Added a member of staff from the MIS"
    STAFF_MIS_UPDATED = "people.staff.mis_updated", "Updated a member of staff from the MIS"
    PUPIL_UPN_CHANGED = "people.pupil.upn_changed", "Changed a child's UPN to the one in a file"
    PUPIL_COHORTS_DATED = (
        "people.pupil.cohorts_dated",
        "Set a child's groups from the dates in a file",
    )

    # Key adults and the team around the child
    KEY_ADULT_ASSIGNED = "relationships.key_adult.assigned", "Chose a key adult"
    KEY_ADULT_ENDED = "relationships.key_adult.ended", "Ended a key adult relationship"
    CO_WORKER_CHANGED = "relationships.co_worker.changed", "Changed a co-worker"
    TRUSTED_ADULT_RECORDED = "relationships.trusted_adult.recorded", "Recorded a trusted adult"
    CLOSE_TEAM_JOINED = "relationships.close_team.joined", "Added someone to the close team"
    CLOSE_TEAM_LEFT = "relationships.close_team.left", "Took someone off the close team"
    WIDER_TEAM_JOINED = "relationships.wider_team.joined", "Added someone to the wider team"
    WIDER_TEAM_LEFT = "relationships.wider_team.left", "Took someone off the wider team"

    # Check-ins, noticing and keeping in touch
    CHECKIN_PLAN_CREATED = "checkins.plan.created", "Agreed a check-in plan"
    CHECKIN_PLAN_CHANGED = "checkins.plan.changed", "Changed a check-in plan"
    CHECKIN_LOGGED = "checkins.checkin.logged", "Logged a check-in"
    CHECKIN_CORRECTED = "checkins.checkin.corrected", "Corrected a check-in"
    STAFF_ABSENCE_RECORDED = "checkins.staff_absence.recorded", "Recorded a staff absence"
    STAFF_ABSENCE_REMOVED = "checkins.staff_absence.removed", "Removed a staff absence"
    CLOSURE_ADDED = "checkins.closure.added", "Added a closure day"
    ATTUNEMENT_RECORDED = "checkins.attunement.recorded", "Recorded attunement"
    GUIDANCE_TARGET_SET = "checkins.target.set", "Set a target"
    NOTICING_RECORDED = "checkins.noticing.recorded", "Recorded positive noticing"
    SHARING_HOME_SET = "checkins.sharing.set", "Set how noticing goes home"
    SHARING_HOME_CHANGED = "checkins.sharing.changed", "Changed how noticing goes home"
    EMAIL_HOME_QUEUED = "checkins.email_home.queued", "Queued an email home"
    EMAIL_HOME_SENT = "checkins.email_home.sent", "Sent an email home"
    EMAIL_HOME_RETRIED = "checkins.email_home.retried", "Retried an email home"
    EMAIL_HOME_FAILED = "checkins.email_home.failed", "An email home could not be sent"
    KEEP_IN_TOUCH_SET = "checkins.routine.set", "Set a keeping-in-touch routine"
    KEEP_IN_TOUCH_CHANGED = "checkins.routine.changed", "Changed a keeping-in-touch routine"
    KEEP_IN_TOUCH_LOGGED = "checkins.contact.logged", "Logged a keeping-in-touch contact"

    # Plans, meetings, contacts, "you said, we did", handover
    PLAN_CREATED = "plans.plan.created", "Started a plan"
    PLAN_REVIEWED = "plans.plan.reviewed", "Reviewed a plan"
    PLAN_CLOSED = "plans.plan.closed", "Closed a plan"
    PLAN_TARGET_ADDED = "plans.target.added", "Added a plan target"
    PLAN_STEP_ADDED = "plans.next_step.added", "Added a next step"
    MEETING_RECORDED = "plans.meeting.recorded", "Recorded a meeting"
    MEETING_ACTION_ADDED = "plans.meeting_action.added", "Added a meeting action"
    MEETING_ACTION_DONE = "plans.meeting_action.done", "Marked a meeting action done"
    CONTACT_LOGGED = "plans.contact.logged", "Logged a contact"
    YOU_SAID_RAISED = "plans.you_said.raised", "Raised a “you said”"
    YOU_SAID_UPDATED = "plans.you_said.updated", "Said what was done"
    YOU_SAID_SIGNED_OFF = "plans.you_said.signed_off", "Signed off a “you said”"
    HANDOVER_MADE = "plans.handover.made", "Made a handover pack"

    # Personal Education Plans
    PEP_PLANNED = "pep.pep.planned", "Planned a PEP meeting"
    PEP_HELD = "pep.pep.held", "Recorded a PEP meeting"
    PEP_SIGNED_OFF = "pep.pep.signed_off", "Signed off a PEP"
    PEP_TARGET_ADDED = "pep.target.added", "Added a PEP target"
    PEP_TARGET_CARRIED = "pep.target.carried", "Carried a PEP target forward"
    PEP_TARGET_REVIEWED = "pep.target.reviewed", "Reviewed a PEP target"

    # Attendance
    MARKS_IMPORTED = "attendance.marks.imported", "Imported register marks"
    PRIOR_ATTENDANCE_KEPT = (
        "attendance.prior.kept",
        "Kept attendance from before a child joined",
    )
    TERM_ADDED = "attendance.term.added", "Added term dates"
    TERM_REMOVED = "attendance.term.removed", "Removed term dates"
    TERM_CHANGED = "attendance.term.changed", "Changed term dates"
    ATTENDANCE_CONCERN_OPENED = "attendance.concern.opened", "Opened an attendance concern"
    ATTENDANCE_CONCERN_CHANGED = "attendance.concern.changed", "Updated an attendance concern"

    # Early years
    EY_SIGNED_IN = "earlyyears.register.signed_in", "Signed a child in"
    EY_SIGNED_OUT = "earlyyears.register.signed_out", "Signed a child out"
    EY_REGISTER_AMENDED = "earlyyears.register.amended", "Corrected the register"
    EY_STAFF_SIGNED_IN = "earlyyears.staff.signed_in", "Signed into a room"
    EY_STAFF_SIGNED_OUT = "earlyyears.staff.signed_out", "Signed out of a room"
    EY_QUALIFICATION_SET = "earlyyears.staff.qualification_set", "Set a qualification"
    # Older events only: a key person away is now check-ins' STAFF_ABSENCE_RECORDED.
    EY_KEY_PERSON_AWAY = "earlyyears.key_person.away", "Marked a key person away"
    EY_ROOM_ADDED = "earlyyears.room.added", "Added a room"
    EY_CHILD_PLACED = "earlyyears.room.child_placed", "Placed a child in a room"
    EY_CARE_RECORDED = "earlyyears.care.recorded", "Recorded care"
    EY_SLEEP_CHECKED = "earlyyears.care.sleep_checked", "Checked a sleeping child"
    EY_WOKE = "earlyyears.care.woke", "Recorded a child waking"
    EY_DAY_SUMMARY_SHARED = "earlyyears.day_summary.shared", "Shared a day summary"
    EY_SETTLING_IN_CREATED = "earlyyears.settling_in.created", "Started a settling-in plan"
    EY_SETTLING_IN_UPDATED = "earlyyears.settling_in.updated", "Changed a settling-in plan"
    EY_SETTLING_IN_ENTRY = "earlyyears.settling_in.entry_added", "Added a settling-in visit"
    EY_DEVELOPMENT_ADDED = "earlyyears.development.added", "Added to a development record"
    EY_DAY_RECORD_EXPORTED = "earlyyears.day_record.exported", "Downloaded the day's record"

    # Incidents and interventions
    INCIDENT_RECORDED = "incidents.incident.recorded", "Recorded an incident"
    INCIDENT_CHANGED = "incidents.incident.changed", "Changed an incident"
    INTERVENTIONS_STARTED = "interventions.catalogue.started", "Set up the interventions list"
    INTERVENTION_ADDED = "interventions.intervention.added", "Added an intervention"
    INTERVENTION_CHANGED = "interventions.intervention.changed", "Changed an intervention"
    MEASURE_ADDED = "interventions.measure.added", "Added a measure"
    ALLOCATION_ADDED = "interventions.allocation.added", "Allocated an intervention"
    ALLOCATION_CHANGED = "interventions.allocation.changed", "Changed an allocation"

    # Whole school
    RELATIONAL_AUDIT_TEMPLATE_LOADED = (
        "wholeschool.relational_audit.template_loaded",
        "Loaded a Relational Approaches Audit template",
    )
    RELATIONAL_AUDIT_COMPLETED = (
        "wholeschool.relational_audit.completed",
        "Completed a Relational Approaches Audit",
    )
    RELATIONAL_AUDIT_ACTION_PLANNED = (
        "wholeschool.relational_audit.action_planned",
        "Planned an action from the Relational Approaches Audit",
    )
    RELATIONAL_AUDIT_ACTION_STATUS = (
        "wholeschool.relational_audit.action_status_changed",
        "Moved an action from the Relational Approaches Audit on",
    )
    BELONGING_ROUND_CREATED = "belonging.round.created", "Started a belonging survey"
    BELONGING_RESPONSE_RECORDED = "belonging.response.recorded", "Recorded a survey answer"
    BELONGING_ANONYMOUS_RESPONSE = (
        "belonging.round.anonymous_response_added",
        "Recorded an anonymous survey answer",
    )
    COURSE_ADDED = "training.course.added", "Added a course"
    COURSE_CHANGED = "training.course.changed", "Changed a course"
    TRAINING_RECORDED = "training.attendance.recorded", "Recorded training"
    TRAINING_REMOVED = "training.attendance.removed", "Removed a training record"
    SUPERVISION_RECORDED = "training.supervision.recorded", "Recorded supervision"
    SUPERVISION_VIEWED = "training.supervision.viewed", "Read a supervision record"
    SUPERVISION_SETTINGS_CHANGED = (
        "training.supervision.settings_changed",
        "Changed how often supervision is due",
    )

    # Privacy: retention, holds, rights requests, break glass, the trail itself
    RETENTION_RULE_SET = "privacy.retention_rule.set", "Changed a retention rule"
    RETENTION_APPLIED = "privacy.retention.applied", "Removed records past their retention date"
    LEGAL_HOLD_PLACED = "privacy.legal_hold.placed", "Placed a legal hold"
    LEGAL_HOLD_RELEASED = "privacy.legal_hold.released", "Lifted a legal hold"
    DATA_REQUEST_RAISED = "privacy.request.raised", "Asked for a correction or erasure"
    DATA_REQUEST_APPLIED = "privacy.request.applied", "Approved a correction or erasure"
    DATA_REQUEST_REFUSED = "privacy.request.refused", "Refused a correction or erasure"
    SUBJECT_ACCESS_EXPORTED = "privacy.subject_access.exported", "Exported everything about a child"
    BREAK_GLASS_GRANTED = "privacy.break_glass.granted", "Broke the glass for a child"
    BREAK_GLASS_READ = "privacy.break_glass.read", "Read a child's record under break glass"
    TRAIL_EXPORTED = "auditlog.trail.exported", "Exported the audit trail"

    # Sign-in and accounts
    TWO_FACTOR_ENABLED = "accounts.two_factor.enabled", "Turned on two-factor sign-in"
    TWO_FACTOR_RESET = "accounts.two_factor.reset", "Had two-factor sign-in reset"
    RECOVERY_CODES_REPLACED = "accounts.recovery_codes.replaced", "Made new recovery codes"
    SIGNED_OUT_EVERYWHERE = "accounts.sessions.ended_everywhere", "Signed out everywhere"
    LINK_ACCESS_GRANTED = "accounts.link_access.granted", "Gave someone access by emailed link"
    LINK_ACCESS_REVOKED = "accounts.link_access.revoked", "Took away access by emailed link"
    SIGN_IN_LINK_SENT = "accounts.sign_in_link.sent", "Sent a sign-in link"
    SIGN_IN_LINK_USED = "accounts.sign_in_link.used", "Signed in with an emailed link"
    SIGN_IN_LINK_REFUSED = "accounts.sign_in_link.refused", "A sign-in link was refused"
    PASSWORD_RESET_REQUESTED = "accounts.password_reset.requested", "Asked for a reset link"
    PASSWORD_RESET_NO_ACCOUNT = (
        "accounts.password_reset.no_account",
        "Asked for a reset link for an email with no account",
    )
    PASSWORD_RESET_DONE = "accounts.password_reset.done", "Chose a new password from a link"

    # The Virtual School
    VS_CHILD_VIEWED = "virtualschool.child.viewed", "The Virtual School read a child's record"
    VS_SHARING_CHANGED = "virtualschool.sharing.changed", "Changed what is shared"
    VS_API_TOKEN_CREATED = "virtualschool.api_token.created", "Made an API token"
    VS_API_TOKEN_REVOKED = "virtualschool.api_token.revoked", "Revoked an API token"
    VS_ROSTER_CHILD_ADDED = "virtualschool.roster.added", "Added a looked-after child from a file"
    VS_ROSTER_CHILD_UPDATED = (
        "virtualschool.roster.updated",
        "Updated a looked-after child from a file",
    )
    VS_ROSTER_SCHOOL_CHANGED = "virtualschool.roster.school_changed", "Recorded a change of school"
    VS_CHILD_READ = "virtualschool.roster.read", "The Virtual School read one of its children"
    VS_LINK_CREATED = "virtualschool.register_link.created", "Made a register link for a school"
    VS_LINK_REVOKED = "virtualschool.register_link.revoked", "Revoked a register link"
    VS_LINK_USED = "virtualschool.register_link.used", "Opened a school's register link"
    VS_LINK_REFUSED = "virtualschool.register_link.refused", "A register link was refused"
    VS_MARKS_ENTERED = (
        "virtualschool.marks.entered",
        "Entered register marks for a school not on Attune",
    )
    VS_PARTNER_INVITED = "virtualschool.partner.invited", "Invited a partner to a child's PEP"
    VS_PARTNER_REMOVED = "virtualschool.partner.removed", "Removed a partner from a child's PEP"
    VS_PEP_STARTED = "virtualschool.pep.started", "Started a PEP with partners"
    VS_PEP_SECTION_WRITTEN = "virtualschool.pep.section_written", "Wrote a part of a PEP"
    VS_PEP_MEETING_RECORDED = "virtualschool.pep.meeting_recorded", "Recorded a PEP meeting"
    VS_PEP_TARGET_ADDED = "virtualschool.pep.target_added", "Added a PEP target"
    VS_PEP_RATED = "virtualschool.pep.rated", "Rated a PEP's quality"
    VS_PEP_RETURNED = "virtualschool.pep.returned", "Returned a PEP for changes"
    VS_PP_REQUESTED = "virtualschool.pupil_premium.requested", "Asked for Pupil Premium Plus"
    VS_PP_DECIDED = "virtualschool.pupil_premium.decided", "Decided on Pupil Premium Plus"
    VS_PP_IMPACT = "virtualschool.pupil_premium.impact", "Recorded the impact of Pupil Premium Plus"

    # The connection to the school's MIS (through Wonde) and what it brings in
    MIS_CONNECTION_SET = "mis.connection.set", "Set the school's Wonde id"
    MIS_SYNC_REQUESTED = "mis.sync.requested", "Asked for a sync with the MIS now"
    MIS_GROUP_CHANGED = "mis.group.changed", "A child joined or left an MIS group"

    # Families as partners: parents and carers signed in by an emailed link
    FAMILY_INVITED = "families.invited", "Sent a parent or carer a link to the family page"
    FAMILY_CONTACT_MARKED = (
        "families.contact.marked",
        "Marked a contact's parental responsibility or no contact",
    )
    FAMILY_REPLY_SENT = "families.reply.sent", "A family replied to a note"
    FAMILY_REPLY_SEEN = "families.reply.seen", "Read a family's reply"
    FAMILY_ABSENCE_REPORTED = (
        "families.absence.reported",
        "A family told the school about an absence",
    )
    FAMILY_ABSENCE_CONFIRMED = (
        "families.absence.confirmed",
        "Confirmed an absence a family told us about",
    )


# The trail's "what they did" filter: each choice matches every action starting with it.
ACTION_GROUPS: list[tuple[str, str]] = [
    (Action.RECORD_VIEWED.value, Action.RECORD_VIEWED.label),
    ("people.", "Changed a child's details"),
    ("relationships.", "Key adults and co-workers"),
    ("checkins.", "Check-ins, noticing and keeping in touch"),
    ("plans.", "Plans, meetings, contacts and “you said, we did”"),
    ("pep.", "Personal Education Plans"),
    ("attendance.", "Attendance"),
    ("earlyyears.", "Early years: register, care, settling in, development"),
    ("incidents.", "Incidents"),
    ("interventions.", "Interventions"),
    ("belonging.", "Belonging survey"),
    ("training.", "Training and supervision"),
    ("privacy.", "Retention, legal holds, data requests and break glass"),
    ("accounts.", "Sign-in and account changes"),
    ("wholeschool.", "Whole-school work"),
    ("virtualschool.", "Virtual School: sharing, reads, API tokens, its children and their PEPs"),
    ("auditlog.", "Exporting the audit trail"),
    ("families.", "Families: links, replies and absences they told us about"),
    ("mis.", "The connection to the school's MIS"),
]

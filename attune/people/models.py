"""Local authorities, schools and settings, pupils with their cohorts and needs, and staff."""

from __future__ import annotations

import uuid
from datetime import date, time

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from attune.constraints import empty_or_after, one_open
from attune.tenancy import SchoolOwned


class LocalAuthority(models.Model):
    code = models.PositiveSmallIntegerField(
        unique=True, help_text="The DfE's three-digit LA number."
    )
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Phase(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years setting"
    PRIMARY = "primary", "Primary school"
    SECONDARY = "secondary", "Secondary school"
    COLLEGE = "college", "College"
    SPECIAL = "special", "Special school"
    ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"


class School(models.Model):
    """A school or early-years setting: the tenant that owns its pupils, staff and records."""

    urn = models.CharField("URN", max_length=8, unique=True)
    name = models.CharField(max_length=160)
    phase = models.CharField(max_length=24, choices=Phase.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    estab = models.CharField(
        "establishment number",
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{4}$", "An establishment number is four digits.")],
        help_text="The DfE's four-digit establishment number; with the LA number it names the "
        "school in Common Transfer Files.",
    )
    caseload_limit = models.PositiveSmallIntegerField(
        default=5, help_text="How many key children one adult should hold at most."
    )
    relationship_target_months = models.PositiveSmallIntegerField(
        default=24, help_text="How long a key adult relationship should last before a change."
    )
    wonde_id = models.CharField(
        "Wonde school id",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9]+$", "A Wonde school id is letters and digits.")],
        help_text="How Wonde, which reads the school's MIS for us, names the school "
        "(for example A1930499544); see docs/mis-sync.md.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "estab"],
                condition=~Q(estab=""),
                name="school_la_estab_unique",
            ),
            models.UniqueConstraint(
                fields=["wonde_id"], condition=~Q(wonde_id=""), name="school_wonde_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_early_years(self) -> bool:
        return self.phase == Phase.EARLY_YEARS


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


# NC year "X": a child not following the National Curriculum (common in special schools). The
# DfE's census and CTF write it as the year group; Attune keeps it as this number, after 14.
YEAR_GROUP_X = 99
YEAR_GROUP_LABELS: dict[int, str] = (
    {
        -3: "Under threes",
        -2: "Nursery 1",
        -1: "Nursery 2",
        0: "Reception",
    }
    | {n: f"Year {n}" for n in range(1, 15)}
    | {YEAR_GROUP_X: "Not in a National Curriculum year (X)"}
)


def pupil_display_name(preferred_name: str, legal_forename: str, legal_surname: str) -> str:
    """How a child is named on every page: the name they go by, then their surname."""
    return f"{preferred_name or legal_forename} {legal_surname}"


def staff_full_name(first_name: str, last_name: str) -> str:
    """How an adult is named on every page (``Staff.full_name``)."""
    return f"{first_name} {last_name}"


class Pupil(SchoolOwned):
    """A child on roll. The public id is random so URLs cannot be guessed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    upn = models.CharField("UPN", max_length=13)
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    year_group = models.SmallIntegerField(choices=sorted(YEAR_GROUP_LABELS.items()))
    registration_group = models.CharField(max_length=20, blank=True)
    needs_key_adult = models.BooleanField(
        default=False, help_text="On the school's list of children who should have a key adult."
    )
    about_me = models.TextField("About me", blank=True)
    what_helps = models.TextField("What helps me", blank=True)
    # From the school's MIS (attune/mis): empty for a child added from a file.
    admission_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_unique_per_school"),
        ]
        indexes = [
            models.Index(
                fields=["school", "legal_surname", "legal_forename"], name="pupil_school_name"
            ),
            models.Index(fields=["school", "year_group"], name="pupil_school_year"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.legal_forename

    @property
    def display_name(self) -> str:
        return pupil_display_name(self.preferred_name, self.legal_forename, self.legal_surname)

    @property
    def year_label(self) -> str:
        return YEAR_GROUP_LABELS.get(self.year_group, str(self.year_group))


class Cohort(models.TextChoices):
    LOOKED_AFTER = "looked_after", "Looked after"
    PREVIOUSLY_LOOKED_AFTER = "previously_looked_after", "Previously looked after"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
    SOCIAL_WORKER_EVER6 = "social_worker_ever6", "Social worker in the last six years"
    KINSHIP_CARE = "kinship_care", "Kinship care"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "EHC plan"
    FSM = "fsm", "Free school meals"
    EAL = "eal", "English as an additional language"
    YOUNG_CARER = "young_carer", "Young carer"


class CohortMembership(SchoolOwned):
    """A period in which a pupil belongs to a cohort; open-ended while it lasts."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="cohort_memberships")
    cohort = models.CharField(max_length=32, choices=Cohort.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "start_date"]
        constraints = [
            empty_or_after("end_date", "start_date", name="cohort_membership_ends_after_start"),
            one_open(
                ["pupil", "cohort"],
                while_empty="end_date",
                name="cohort_membership_one_open_per_cohort",
            ),
        ]
        indexes = [models.Index(fields=["school", "cohort", "end_date"], name="cohort_school_open")]

    def __str__(self) -> str:
        return f"{self.get_cohort_display()} from {self.start_date}"

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Need(models.TextChoices):
    SEMH = "semh", "Social, emotional and mental health"
    SELECTIVE_MUTISM = "selective_mutism", "Selective mutism"
    NEURODIVERGENT = "neurodivergent", "Neurodivergent"
    ATTACHMENT = "attachment", "Attachment needs"
    IN_TRANSITION = "in_transition", "In transition"


class PupilNeed(SchoolOwned):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=24, choices=Need.choices)
    noted_on = models.DateField()

    class Meta:
        ordering = ["need"]
        constraints = [models.UniqueConstraint(fields=["pupil", "need"], name="pupil_need_unique")]

    def __str__(self) -> str:
        return self.get_need_display()


class JobRole(models.TextChoices):
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    ELSA = "elsa", "ELSA"
    LEARNING_MENTOR = "learning_mentor", "Learning mentor"
    TEACHER = "teacher", "Teacher"
    SENCO = "senco", "SENCo"
    DSL = "dsl", "Designated safeguarding lead"
    PASTORAL_LEAD = "pastoral_lead", "Pastoral lead"
    OFFICE = "office", "Office staff"
    HEADTEACHER = "headteacher", "Headteacher"
    EARLY_YEARS_PRACTITIONER = "early_years_practitioner", "Early years practitioner"
    OTHER = "other", "Other"


class Staff(SchoolOwned):
    """A member of staff, whether or not they sign in to Attune."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    job_role = models.CharField(max_length=32, choices=JobRole.choices)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "staff"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return staff_full_name(self.first_name, self.last_name)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class WorkingDay(SchoolOwned):
    """One day of a member of staff's usual week, with the hours they are in school."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="working_days")
    weekday = models.SmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField(default=time(8, 30))
    ends_at = models.TimeField(default=time(15, 30))

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "weekday"], name="working_day_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="working_day_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )


# ---------------------------------------------------------------------------------------------
# A child's family: the adults the school may contact about them


class ContactSource(models.TextChoices):
    MIS = "mis", "The school's MIS"
    SCHOOL = "school", "Entered in Attune"


class Contact(SchoolOwned):
    """A parent, carer or other adult the school holds as a contact for one or more children.

    The school's record, kept in step with its MIS (``attune/mis``). A contact the MIS no
    longer has is ended (``ended_on``), never erased: what was sent to whom stays explainable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    source = models.CharField(
        max_length=8, choices=ContactSource.choices, default=ContactSource.SCHOOL
    )
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        names = " ".join(part for part in (self.title, self.forename, self.surname) if part)
        return names or "Unnamed contact"


class PupilContact(SchoolOwned):
    """How one contact stands to one child: who they are to them, and whether to contact them.

    ``priority`` is the order the MIS lists the child's contacts in (1 first).
    ``parental_responsibility`` and ``lives_with_pupil`` are ``None`` when the MIS did not
    say. ``no_contact`` means the school must not contact this person about this child (as
    the MIS says; ``no_contact_by_school`` as staff marked it by hand): either keeps them from
    the family page and from every message about the child (``people.contacts``).
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=60, blank=True)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    parental_responsibility = models.BooleanField(null=True, blank=True)
    lives_with_pupil = models.BooleanField(null=True, blank=True)
    no_contact = models.BooleanField(default=False)
    # Set by staff by hand (a court order, say): the MIS sync writes ``no_contact`` and never
    # this, so a sync can never clear what the school itself marked.
    no_contact_by_school = models.BooleanField(default=False)
    source = models.CharField(
        max_length=8, choices=ContactSource.choices, default=ContactSource.SCHOOL
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pupil_contact_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["pupil", "contact"],
                condition=Q(ended_on__isnull=True),
                name="pupil_contact_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relationship or 'Contact'} of {self.pupil_id}"

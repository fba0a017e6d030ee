"""The treatment course after booking: check-ins, signed session notes, amendments, adverse events.

Field groups follow treatment-course.md §1–§4. Everything hangs off the submission by CASCADE, so
erasure and the retention purge take a course with its submission.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.clinical.session_rules import SessionOutcome
from screening.models.appendonly import AppendOnlyModel
from screening.models.submission import Submission

_USER = settings.AUTH_USER_MODEL


class Drug(models.TextChoices):
    DEXAMETHASONE = "dexamethasone", _("Dexamethasone sodium phosphate")
    LIDOCAINE = "lidocaine", _("Lidocaine")
    ACETIC_ACID = "acetic_acid", _("Acetic acid")
    OTHER = "other", _("Other (name it in the concentration)")


class CheckInOutcome(models.TextChoices):
    GO = SessionOutcome.GO.value, _("Go")
    CLEAR_FIRST = SessionOutcome.CLEAR_FIRST.value, _("Therapist must clear first")
    DO_NOT_TREAT = SessionOutcome.DO_NOT_TREAT.value, _("Do not treat")


def _blocked() -> Q:
    # The same as Course.is_suspended(), as one condition for a list of courses.
    unseen = AdverseEvent.objects.filter(
        course=OuterRef("pk"), suspends=True, physician_consulted_at__isnull=True
    )
    unrecorded = SessionNote.objects.filter(
        course=OuterRef("pk"), signed_at__isnull=False, skin_result__in=SessionNote.HARMFUL_RESULTS
    ).filter(~Exists(AdverseEvent.objects.filter(note=OuterRef("pk"))))
    return Q(Exists(unseen)) | Q(Exists(unrecorded))


class CourseQuerySet(models.QuerySet):
    def with_progress(self) -> CourseQuerySet:
        """Courses with `sessions_done` (signed notes) and `blocked` (a burn or blister not yet seen)."""
        return self.annotate(
            sessions_done=Count("notes", filter=Q(notes__signed_at__isnull=False), distinct=True),
            blocked=ExpressionWrapper(_blocked(), output_field=models.BooleanField()),
        )

    def for_list(self) -> CourseQuerySet:
        """Open courses, blocked first then oldest, with the patient and the progress; one query."""
        return (
            self.filter(status=Course.Status.OPEN)
            .select_related("submission")
            .with_progress()
            .order_by("-blocked", "opened_at", "id")
        )


class Course(models.Model):
    """One treated problem, opened from a submission booked as suitable (treatment-course.md §1)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped early")
        STOPPED_ADVERSE = "stopped_adverse", _("Stopped after an adverse event")

    class OrderType(models.TextChoices):
        PATIENT_SPECIFIC = "patient_specific", _("Patient-specific prescription")
        STANDING = "standing", _("Standing order")

    class DrugSource(models.TextChoices):
        BROUGHT = "brought", _("Brought by the patient")
        DISPENSED = "dispensed", _("Dispensed for this patient")

    class Side(models.TextChoices):
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")
        BOTH = "both", _("Both")
        MIDLINE = "midline", _("Midline")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="courses")
    opened_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now, editable=False)

    prescriber = models.CharField(_("prescriber"), max_length=200)
    prescription_date = models.DateField(_("prescription date"))
    drug = models.CharField(_("drug"), max_length=20, choices=Drug.choices)
    concentration = models.CharField(_("concentration"), max_length=100, help_text=_("e.g. 4 mg/mL"))
    order_type = models.CharField(_("order"), max_length=20, choices=OrderType.choices)
    drug_source = models.CharField(_("drug source"), max_length=20, choices=DrugSource.choices)
    site = models.CharField(_("treated site"), max_length=100)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), default=6, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    planned_dose = models.DecimalField(
        _("dose per session (mA·min)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    electrode_product = models.CharField(_("electrode product"), max_length=100)
    electrode_max_dose = models.DecimalField(
        _("electrode's labelled maximum (mA·min)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    payer_context = models.TextField(_("payer context"), max_length=2000, blank=True)

    # What the therapist accepted by booking: shown at every check-in, deciding nothing (§2).
    accepted_reason_codes = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(max_length=2000, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_sessions__gte=1), name="course_planned_sessions_positive"
            ),
            models.CheckConstraint(
                condition=Q(planned_dose__lte=models.F("electrode_max_dose")),
                name="course_dose_within_electrode",
                violation_error_message=_("The dose per session must not be above the electrode's maximum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission.reference} {self.get_drug_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def next_session_number(self) -> int:
        """The session the next check-in is for: one after the last note, signed or not."""
        return self.notes.count() + 1

    def is_suspended(self) -> bool:
        """A burn or blister is on record, in an event or a signed note, and no physician consult since."""
        unseen = self.adverse_events.filter(suspends=True, physician_consulted_at__isnull=True).exists()
        recorded = AdverseEvent.objects.filter(course=self, note=OuterRef("pk"))
        unrecorded = (
            self.notes.filter(signed_at__isnull=False, skin_result__in=SessionNote.HARMFUL_RESULTS)
            .filter(~Exists(recorded))
            .exists()
        )
        return unseen or unrecorded

    def consulted_since_last_session(self) -> bool:
        """A physician consult was recorded after the last signed session."""
        last = self.notes.filter(signed_at__isnull=False).order_by("-stopped_at").first()
        consults = self.adverse_events.filter(physician_consulted_at__isnull=False)
        return last is not None and consults.filter(physician_consulted_at__gt=last.stopped_at).exists()


class CheckIn(models.Model):
    """The answers before one session and the outcome the session rules gave (§2). Written once."""

    class FilledBy(models.TextChoices):
        PATIENT = "patient", _("The patient, on the clinic's device")
        THERAPIST = "therapist", _("The therapist, with the patient")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="check_ins")
    session_number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    answers = models.JSONField()
    outcome = models.CharField(max_length=20, choices=CheckInOutcome.choices)
    reason_codes = models.JSONField(default=list)
    accepted_codes = models.JSONField(default=list)
    rules_version = models.CharField(max_length=20)
    session_rules_version = models.CharField(max_length=20)
    filled_by = models.CharField(max_length=10, choices=FilledBy.choices)
    # The therapist who recorded it, or who opened the patient's link.
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"check-in {self.session_number} ({self.get_outcome_display()})"


class CheckInLink(models.Model):
    """A one-time link for the patient's own check-in on the clinic's device; only its hash is kept."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    session_number = models.PositiveSmallIntegerField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"check-in link for session {self.session_number}"


class SessionNote(models.Model):
    """One treatment day's record (§3); read-only once signed, changed only by amendments."""

    class Polarity(models.TextChoices):
        NEGATIVE = "negative", _("Negative (cathode)")
        POSITIVE = "positive", _("Positive (anode)")

    class SkinResult(models.TextChoices):
        NONE = "none", _("None")
        EXPECTED_REDNESS = "expected_redness", _("Expected redness (fades within hours)")
        LASTING_REDNESS = "lasting_redness", _("Redness lasting")
        BLISTER = "blister", _("Blister")
        BURN = "burn", _("Burn")

    # A skin result that needs an adverse event, and blocks the course until there is one.
    HARMFUL_RESULTS = ("blister", "burn")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="notes")
    check_in = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="note")
    session_number = models.PositiveSmallIntegerField()
    session_date = models.DateField(_("date"), default=timezone.localdate)
    clinician = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    clinician_credentials = models.CharField(
        _("your credentials"), max_length=50, help_text=_("e.g. PT, DPT")
    )
    clearance_note = models.TextField(_("clearance note"), max_length=2000, blank=True)
    beyond_plan_note = models.TextField(_("why a session beyond the plan"), max_length=2000, blank=True)

    skin_intact = models.BooleanField(_("skin intact at both electrode sites"), default=False)
    sensation_tested = models.BooleanField(_("sensation tested"), default=False)
    site_prepared = models.BooleanField(_("site cleaned, hair clipped, jewellery removed"), default=False)
    patient_informed = models.BooleanField(
        _("patient told tingling is normal and to report burning"), default=False
    )

    device = models.CharField(_("device (model, serial)"), max_length=200)
    electrode_lot = models.CharField(_("electrode lot"), max_length=100)
    drug_volume_ml = models.DecimalField(_("drug volume (mL)"), max_digits=4, decimal_places=1)
    polarity = models.CharField(_("active electrode polarity"), max_length=10, choices=Polarity.choices)
    placement = models.CharField(_("placement of active and return electrodes"), max_length=300)

    current_ma = models.DecimalField(_("current (mA)"), max_digits=3, decimal_places=1)
    planned_dose = models.DecimalField(_("planned dose (mA·min)"), max_digits=5, decimal_places=1)
    duration_min = models.DecimalField(max_digits=5, decimal_places=1, editable=False)
    delivered_dose = models.DecimalField(_("delivered dose (mA·min)"), max_digits=5, decimal_places=1)
    override_note = models.TextField(
        _("override note (delivered dose above the electrode's maximum)"), max_length=2000, blank=True
    )
    interruptions = models.TextField(
        _("interruptions and current reductions, with the reason"), max_length=2000, blank=True
    )

    patch = models.BooleanField(_("wearable patch"), default=False)
    patch_applied_at = models.DateTimeField(_("patch applied"), null=True, blank=True)
    patch_removed_at = models.DateTimeField(_("patch removed"), null=True, blank=True)

    skin_result = models.CharField(_("skin result"), max_length=20, choices=SkinResult.choices)
    aftercare_given = models.BooleanField(
        _("aftercare given (call us if redness lasts more than 24 hours)"), default=False
    )
    pain_before = models.PositiveSmallIntegerField(
        _("pain before (0–10)"), validators=[MaxValueValidator(10)]
    )
    pain_after = models.PositiveSmallIntegerField(_("pain after (0–10)"), validators=[MaxValueValidator(10)])
    function_words = models.TextField(_("patient's words on function"), max_length=2000, blank=True)

    started_at = models.DateTimeField(_("attended start"))
    stopped_at = models.DateTimeField(_("attended stop"))
    constant_attendance = models.BooleanField(_("constant attendance attested"), default=False)
    attended_minutes = models.PositiveSmallIntegerField(editable=False)
    units_97033 = models.PositiveSmallIntegerField(editable=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["session_number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_at__gt=models.F("started_at")), name="note_stop_after_start"
            ),
            models.CheckConstraint(condition=Q(current_ma__gt=0), name="note_current_positive"),
            models.CheckConstraint(condition=Q(units_97033__lte=4), name="note_units_at_most_four"),
        ]

    def __str__(self) -> str:
        return f"session {self.session_number} on {self.session_date}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Amendment(AppendOnlyModel):
    """A correction to a signed note, beside the original and never over it: who, when, why, what."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField(_("why"), max_length=2000)
    text = models.TextField(_("correction"), max_length=4000)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"amendment {self.created_at:%Y-%m-%d %H:%M}"


# The kinds that always suspend the course. Values, not members: a TextChoices member hashes by its
# name, so `"blister" in {Kind.BLISTER}` would be False.
_SUSPENDING = frozenset({"burn_1", "burn_2", "burn_3", "blister"})


class AdverseEvent(models.Model):
    """A skin reaction or other harm (§4); a burn or blister suspends the course until a consult."""

    class Kind(models.TextChoices):
        BURN_1 = "burn_1", _("Burn, first degree")
        BURN_2 = "burn_2", _("Burn, second degree")
        BURN_3 = "burn_3", _("Burn, third degree")
        BLISTER = "blister", _("Blister")
        PROLONGED_REDNESS = "prolonged_redness", _("Prolonged redness")
        RASH = "rash", _("Rash")
        FAINTNESS = "faintness", _("Faintness")
        OTHER = "other", _("Other")

    SUSPENDING = _SUSPENDING

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="adverse_events")
    note = models.ForeignKey(SessionNote, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The check-in that let the session go ahead, and its rules, so a rule that let a burn through
    # shows up when the rules are reviewed (§4).
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rules_version = models.CharField(max_length=20, blank=True)
    session_rules_version = models.CharField(max_length=20, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("noticed on"))
    size_and_site = models.CharField(_("size and site"), max_length=300)
    action_taken = models.TextField(_("what was done"), max_length=2000)
    suspends = models.BooleanField(_("suspend further sessions"), default=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    physician_consulted_at = models.DateTimeField(_("physician consulted"), null=True, blank=True)
    physician = models.CharField(_("physician"), max_length=200, blank=True)
    consult_note = models.TextField(_("physician's advice"), max_length=2000, blank=True)
    consult_recorded_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(_SUSPENDING), suspends=False),
                name="adverse_burn_or_blister_suspends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"

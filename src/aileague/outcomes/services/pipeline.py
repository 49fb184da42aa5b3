"""The pipeline of investors and pilot sites: partner profiles, and the relations between a
partner and a project. Every function checks who may act and writes one audit entry.

The pipeline of a relation::

    express_interest ─> interest ─(request_meeting, accept_meeting)─> meeting ─> agreement
        ─> contract ─> deployed        (advance_relation moves one step forward at a time)
    decline (the team) / withdraw (the partner) end a relation at any open stage.

Amounts keep their currency; the CNY value uses the rate recorded on or before the step's date
(``aileague.outcomes.currency``).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.outcomes import queries
from aileague.outcomes.currency import to_cny
from aileague.outcomes.models import (
    PartnerKind,
    PartnerProfile,
    Project,
    Relation,
    RelationEvent,
    RelationStage,
)
from aileague.outcomes.services._checks import (
    _amount,
    _check_organiser,
    _codes,
    _readiness,
    _snapshot,
    _text_map,
)

PROFILE_FIELDS = (
    "countries",
    "tags",
    "readiness_min",
    "readiness_max",
    "ticket_min_cny",
    "ticket_max_cny",
    "statement",
)


# --- Partners ------------------------------------------------------------------------------


def set_partner_profile(*, organisation, actor, kind: str, league=None) -> PartnerProfile:
    """Make an organisation an investor, pilot site or the center's operator (organisers)."""
    _check_organiser(actor, league)
    if kind not in PartnerKind.values:
        raise InvalidInput(_("Unknown partner kind."), code="invalid_kind")
    with transaction.atomic():
        profile, created = PartnerProfile.objects.get_or_create(
            organisation=organisation, defaults={"kind": kind}
        )
        before = None if created else {"kind": profile.kind}
        profile.kind = kind
        profile.save(update_fields=["kind"])
        record_audit(
            actor=actor,
            action="outcomes.set_partner_profile",
            target=profile,
            before=before,
            after={"kind": kind, "organisation_id": organisation.pk},
        )
    return profile


def update_partner_profile(*, profile: PartnerProfile, actor, tracks=None, **fields):
    """What a partner looks for; its organisation's people (and organisers) edit it."""
    own = getattr(actor, "organisation_id", None) == profile.organisation_id
    if not (own or is_organiser(actor)):
        raise PermissionDenied(
            _("Only the partner's own people may edit this profile."), code="not_partner"
        )
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown profile fields: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    cleaned = {}
    for name, value in fields.items():
        if name == "countries":
            cleaned[name] = _codes(value, countries=True)
        elif name == "tags":
            cleaned[name] = _codes(value)
        elif name in ("readiness_min", "readiness_max"):
            cleaned[name] = _readiness(value)
        elif name in ("ticket_min_cny", "ticket_max_cny"):
            cleaned[name] = _amount(value)
        else:
            cleaned[name] = _text_map(value, required=False, code="statement")
    low = cleaned.get("readiness_min", profile.readiness_min)
    high = cleaned.get("readiness_max", profile.readiness_max)
    ticket_low = cleaned.get("ticket_min_cny", profile.ticket_min_cny)
    ticket_high = cleaned.get("ticket_max_cny", profile.ticket_max_cny)
    if low > high or (
        ticket_low is not None and ticket_high is not None and ticket_low > ticket_high
    ):
        raise InvalidInput(_("A minimum is above its maximum."), code="invalid_range")
    with transaction.atomic():
        before = _snapshot(profile, cleaned)
        before_tracks = sorted(profile.tracks.values_list("pk", flat=True))
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.save()
        if tracks is not None:
            profile.tracks.set(tracks)
        record_audit(
            actor=actor,
            action="outcomes.update_partner_profile",
            target=profile,
            before={**before, "tracks": before_tracks},
            after={**_snapshot(profile, cleaned), "tracks": sorted(t.pk for t in tracks or [])},
        )
    return profile


# --- The pipeline --------------------------------------------------------------------------


def _event_time(on: date | None) -> datetime:
    if on is None or on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12)))


def _step(relation: Relation, *, actor, stage: str, action: str, before: dict, note="", on=None):
    """Save the relation, add its event and audit entry (inside the caller's transaction)."""
    relation.save()
    RelationEvent.objects.create(
        relation=relation, stage=stage, at=_event_time(on), by=actor, note=note or ""
    )
    record_audit(
        actor=actor,
        action=action,
        target=relation,
        before=before,
        after=_relation_snapshot(relation),
    )


def _relation_snapshot(relation: Relation) -> dict:
    return {
        "stage": relation.stage,
        "meeting_at": relation.meeting_at.isoformat() if relation.meeting_at else None,
        **_snapshot(relation, ("amount", "currency", "cny_per_unit", "amount_cny")),
    }


def _lock(relation: Relation) -> Relation:
    return Relation.objects.select_for_update().get(pk=relation.pk)


def _check_open(relation: Relation) -> None:
    if relation.stage in queries.TERMINAL:
        raise Conflict(
            _("This relation has ended (%(stage)s).") % {"stage": relation.get_stage_display()},
            code="relation_closed",
        )


def express_interest(*, project: Project, actor, message: str = "") -> Relation:
    """An investor, pilot site or the center (through one of its people) follows a project."""
    profile = queries.partner_profile_of(actor)
    if profile is None:
        raise PermissionDenied(
            _("Only investors, pilot sites and the center can express interest."),
            code="not_a_partner",
        )
    if not queries.can_see_project(actor, project):
        raise PermissionDenied(_("This project is not public."), code="project_not_public")
    if project.relations.filter(partner=profile.organisation).exists():
        raise Conflict(_("Your organisation already follows this project."), code="already_related")
    try:
        with transaction.atomic():
            relation = Relation(
                project=project,
                partner=profile.organisation,
                kind=profile.kind,
                stage=RelationStage.INTEREST,
                message=(message or "").strip(),
                created_by=actor,
            )
            _step(
                relation,
                actor=actor,
                stage=RelationStage.INTEREST,
                action="outcomes.express_interest",
                before={},
                note=relation.message,
            )
    except IntegrityError:  # a colleague clicked at the same moment
        raise Conflict(
            _("Your organisation already follows this project."), code="already_related"
        ) from None
    return relation


def request_meeting(*, relation: Relation, actor, at: datetime, note: str = "") -> Relation:
    """The partner proposes a meeting; the team accepts (``accept_meeting``) or declines."""
    if not queries.is_relation_partner(actor, relation):
        raise PermissionDenied(
            _("Only the partner's people may request a meeting."), code="not_partner"
        )
    with transaction.atomic():
        relation = _lock(relation)
        _check_open(relation)
        if relation.stage != RelationStage.INTEREST:
            raise Conflict(_("A meeting has already been agreed."), code="meeting_agreed")
        before = _relation_snapshot(relation)
        relation.meeting_at = at
        _step(
            relation,
            actor=actor,
            stage=relation.stage,
            action="outcomes.request_meeting",
            before=before,
            note=note,
        )
    return relation


def accept_meeting(*, relation: Relation, actor, note: str = "") -> Relation:
    """The team (any member) accepts the meeting the partner requested."""
    if not queries.is_team_member(actor, relation.project.team):
        raise PermissionDenied(_("Only the team may accept a meeting."), code="not_team_member")
    with transaction.atomic():
        relation = _lock(relation)
        _check_open(relation)
        if relation.stage != RelationStage.INTEREST or relation.meeting_at is None:
            raise Conflict(_("No meeting is waiting for an answer."), code="no_meeting_requested")
        before = _relation_snapshot(relation)
        relation.stage = RelationStage.MEETING
        _step(
            relation,
            actor=actor,
            stage=relation.stage,
            action="outcomes.accept_meeting",
            before=before,
            note=note,
        )
    return relation


def _end(relation: Relation, *, actor, stage: str, reason: str, action: str) -> Relation:
    with transaction.atomic():
        relation = _lock(relation)
        _check_open(relation)
        if relation.stage == RelationStage.DEPLOYED:
            raise Conflict(_("A deployed project cannot be declined."), code="relation_closed")
        before = _relation_snapshot(relation)
        relation.stage = stage
        _step(relation, actor=actor, stage=stage, action=action, before=before, note=reason)
    return relation


def decline(*, relation: Relation, actor, reason: str = "") -> Relation:
    """The team (any member) ends the relation."""
    if not queries.is_team_member(actor, relation.project.team):
        raise PermissionDenied(_("Only the team may decline."), code="not_team_member")
    return _end(
        relation,
        actor=actor,
        stage=RelationStage.DECLINED,
        reason=reason,
        action="outcomes.decline",
    )


def withdraw(*, relation: Relation, actor, reason: str = "") -> Relation:
    """The partner ends the relation."""
    if not queries.is_relation_partner(actor, relation):
        raise PermissionDenied(_("Only the partner's people may withdraw."), code="not_partner")
    return _end(
        relation,
        actor=actor,
        stage=RelationStage.WITHDRAWN,
        reason=reason,
        action="outcomes.withdraw",
    )


def advance_relation(
    *,
    relation: Relation,
    actor,
    stage: str,
    amount=None,
    currency: str = "CNY",
    on: date | None = None,
    note: str = "",
) -> Relation:
    """Move a relation one step forward (interest → meeting → agreement → contract → deployed).

    Either side or an organiser may record a step. ``amount`` (in ``currency``) is converted to
    CNY at the rate recorded on or before ``on`` (default: today). Moving back, skipping a step
    and moving an ended relation are refused.
    """
    project = relation.project
    if not (
        queries.is_relation_partner(actor, relation)
        or queries.is_team_member(actor, project.team)
        or is_organiser(actor, project.league)
    ):
        raise PermissionDenied(
            _("Only the partner, the team and the organisers may record a step."),
            code="not_related",
        )
    if stage in queries.TERMINAL:
        raise InvalidInput(_("Use decline or withdraw to end a relation."), code="invalid_stage")
    if stage not in RelationStage.values:
        raise InvalidInput(_("Unknown stage: %(stage)s.") % {"stage": stage}, code="invalid_stage")
    on = on or timezone.localdate()
    amount = _amount(amount)
    currency = (currency or "CNY").upper()
    converted = to_cny(amount, currency, on) if amount is not None else None
    with transaction.atomic():
        relation = _lock(relation)
        _check_open(relation)
        current = queries.PIPELINE.index(relation.stage)
        wanted = queries.PIPELINE.index(stage)
        if wanted <= current:
            raise Conflict(
                _("The relation is already at %(current)s; it cannot move back to %(stage)s.")
                % {"current": relation.get_stage_display(), "stage": RelationStage(stage).label},
                code="stage_backwards",
            )
        if wanted > current + 1:
            raise Conflict(
                _("Record %(next)s first: steps cannot be skipped.")
                % {"next": RelationStage(queries.PIPELINE[current + 1]).label},
                code="stage_skipped",
            )
        before = _relation_snapshot(relation)
        relation.stage = stage
        if converted is not None:
            relation.amount, relation.currency = amount, currency
            relation.amount_cny, relation.cny_per_unit = converted
        _step(
            relation,
            actor=actor,
            stage=stage,
            action="outcomes.advance_relation",
            before=before,
            note=note,
            on=on,
        )
    return relation

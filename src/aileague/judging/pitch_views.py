"""Pages of live pitch sessions (the lead's session page, the judge's phone scoring page, the
public order and ranking) and of pairwise expo rounds. Thin adapters over ``judging.pitch``,
``judging.pairwise`` and ``judging.reviews``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aileague.common.errors import AileagueError, PermissionDenied
from aileague.common.i18n import pick
from aileague.common.views import or_404, run_service
from aileague.judging import pairwise, pitch
from aileague.judging.models import JurorRole, Recommendation, SessionStatus, SlotStatus
from aileague.judging.reviews import save_review
from aileague.judging.services import access_round


def _session(pk: int):
    return or_404(pitch.access_session, pk=pk)


def _role(user, session) -> str | None:
    return pitch.juror_role(user, session.round)


# --- The session page (organisers, panel lead, presidium) -------------------------------------


@login_required
def session_page(request, pk: int):
    session = _session(pk)
    runs = pitch.can_run_session(request.user, session)
    presidium = _role(request.user, session) == JurorRole.PRESIDIUM
    if not (runs or presidium):
        raise HttpForbidden(_("Only the panel lead, the presidium and the organisers see this."))
    sees_sheets = pitch.can_see_sheets(request.user, session)
    progress = pitch.slot_progress(session)
    slots = list(session.slots.select_related("entry__team").order_by("position"))
    ends = timedelta(minutes=session.pitch_minutes + session.qa_minutes)
    context = {
        "session": session,
        "round": session.round,
        "slots": [(slot, progress[slot.pk], slot.starts_at + ends) for slot in slots],
        "can_run": runs,
        "can_draw": pitch.can_draw(request.user, session)
        and not any(s.status != SlotStatus.WAITING for s in slots),
        "has_live": any(s.status == SlotStatus.LIVE for s in slots),
        "can_ratify": presidium and session.status == SessionStatus.CLOSED,
        "ranking": pitch.session_ranking(session) if sees_sheets else None,
        "sees_sheets": sees_sheets,
        "tie_break": pitch.TIE_BREAK_RULE,
        "ratified": session.status == SessionStatus.RATIFIED,
    }
    return render(request, "judging/pitch/session.html", context)


def _run(request, session, action, success: str):
    run_service(request, action, success)
    return redirect("pitch:session", pk=session.pk)


@require_POST
@login_required
def draw(request, pk: int):
    session = _session(pk)
    seed = request.POST.get("seed", "")
    return _run(
        request,
        session,
        lambda: pitch.draw_order(session=session, actor=request.user, seed=seed),
        _("The order is drawn."),
    )


@require_POST
@login_required
def open_slot(request, pk: int, slot_pk: int):
    session = _session(pk)
    slot = or_404(pitch.access_slot, session=session, pk=slot_pk)
    return _run(
        request,
        session,
        lambda: pitch.open_slot(slot=slot, actor=request.user),
        _("The slot is on stage."),
    )


@require_POST
@login_required
def close_slot(request, pk: int, slot_pk: int):
    session = _session(pk)
    slot = or_404(pitch.access_slot, session=session, pk=slot_pk)
    return _run(
        request,
        session,
        lambda: pitch.close_slot(slot=slot, actor=request.user),
        _("The slot is closed; its score sheets can no longer change."),
    )


@require_POST
@login_required
def ratify(request, pk: int):
    session = _session(pk)
    return _run(
        request,
        session,
        lambda: pitch.ratify_session(session=session, actor=request.user),
        _("The session is ratified and its signed score sheets are ready."),
    )


@login_required
def score_sheets_pdf(request, pk: int):
    from aileague.judging.pdf import signed_pdf_of

    session = _session(pk)
    if not pitch.can_see_sheets(request.user, session):
        raise HttpForbidden(_("Only the organisers, the panel lead and the presidium see these."))
    if session.status != SessionStatus.RATIFIED:
        raise Http404(_("The score sheets are signed once the presidium ratifies the session."))
    response = HttpResponse(signed_pdf_of(session), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="pitch-session-{session.pk}-score-sheets.pdf"'
    )
    return response


# --- The judge's live page --------------------------------------------------------------------


def _sheet_rows(round_, review, posted=None):
    """Each criterion with its scale: (criterion, [(value, anchor, checked)], legend)."""
    rows = []
    scores = posted if posted is not None else (review.scores if review else {})
    for criterion in round_.criteria.all():
        anchors = {int(k): pick(v) for k, v in (criterion.anchors or {}).items()}
        chosen = scores.get(criterion.key)
        values = [
            (v, anchors.get(v, ""), chosen not in (None, "") and float(chosen) == v)
            for v in range(criterion.scale_min, criterion.scale_max + 1)
        ]
        legend = [(v, text) for v, text in sorted(anchors.items())]
        rows.append((criterion, values, legend))
    return rows


def _live_context(request, session, view, posted=None, errors=()):
    slot = view.slot
    pitch_ends = qa_ends = None
    if slot and slot.opened_at:
        pitch_ends = slot.opened_at + timedelta(minutes=session.pitch_minutes)
        qa_ends = pitch_ends + timedelta(minutes=session.qa_minutes)
    return {
        "session": session,
        "round": session.round,
        "view": view,
        "slot": slot,
        "entry": slot.entry if slot and not view.recused else None,
        "blind": session.round.blind,
        "rows": _sheet_rows(session.round, view.review, posted) if view.assignment else [],
        "comment": (posted or {}).get("comment", view.review.comment if view.review else ""),
        "pitch_ends": pitch_ends,
        "qa_ends": qa_ends,
        "now": timezone.now(),
        "errors": errors,
        "recommendations": Recommendation.choices,
    }


@never_cache
@login_required
def live(request, pk: int):
    session = _session(pk)
    try:
        view = pitch.live_view(session=session, user=request.user)
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None
    if request.method != "POST":
        return render(request, "judging/pitch/live.html", _live_context(request, session, view))
    posted = {c.key: request.POST.get(f"score_{c.key}", "") for c in session.round.criteria.all()}
    stale = str(view.slot.pk if view.slot else "") != request.POST.get("slot", "")
    if stale or view.assignment is None:
        messages.error(request, _("The pitch on stage has changed; your sheet was not saved."))
        return redirect("pitch:live", pk=session.pk)
    submit = request.POST.get("action") == "submit"
    try:
        save_review(
            assignment=view.assignment,
            actor=request.user,
            scores={k: v for k, v in posted.items() if v != ""},
            comment=request.POST.get("comment", ""),
            recommendation=request.POST.get("recommendation", ""),
            submit=submit,
        )
    except AileagueError as exc:
        errors = exc.details if isinstance(exc.details, list) else [exc.message]
        context = _live_context(
            request, session, view, {**posted, "comment": request.POST.get("comment", "")}, errors
        )
        return render(request, "judging/pitch/live.html", context, status=422)
    if submit:
        messages.success(request, _("Your score sheet is submitted."))
    else:
        messages.success(request, _("Your draft is saved."))
    return redirect("pitch:live", pk=session.pk)


@never_cache
@login_required
def live_state(request, pk: int):
    """What the live page polls: it reloads when ``version`` changes (a slot opened/closed)."""
    session = _session(pk)
    try:
        view = pitch.live_view(session=session, user=request.user)
    except PermissionDenied as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=403)
    return JsonResponse(
        {
            "version": view.version,
            "session": session.status,
            "slot": view.slot.position if view.slot else None,
            "slot_status": view.slot.status if view.slot else None,
        }
    )


# --- The public page --------------------------------------------------------------------------


def public(request, pk: int):
    """The drawn order (once drawn) and, after ratification, the ranking."""
    session = _session(pk)
    if not session.drawn_at:
        raise Http404(_("The order of this session has not been drawn yet."))
    slots = list(session.slots.select_related("entry__team").order_by("position"))
    ratified = session.status == SessionStatus.RATIFIED
    context = {
        "session": session,
        "round": session.round,
        "slots": slots,
        "ranking": pitch.session_ranking(session) if ratified else None,
        "ratified": ratified,
        "tie_break": pitch.TIE_BREAK_RULE,
        "entry_ids": ", ".join(str(pk) for pk in sorted(s.entry_id for s in slots)),
    }
    return render(request, "judging/pitch/public.html", context)


# --- Pairwise (expo) judging ------------------------------------------------------------------


@never_cache
@login_required
def pairwise_page(request, round_pk: int):
    round_ = or_404(access_round, pk=round_pk)
    if request.method == "POST":
        try:
            _pairwise_action(request, round_)
        except PermissionDenied as exc:
            raise HttpForbidden(exc.message) from None
        except AileagueError as exc:
            messages.error(request, exc.message)
        return redirect("pitch:pairwise", round_pk=round_.pk)
    try:
        pair = pairwise.next_for_judge(round_=round_, actor=request.user)
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None
    except AileagueError as exc:
        messages.error(request, exc.message)
        pair = None
    context = {
        "round": round_,
        "pair": pair,
        "blind": round_.blind,
        "progress": pairwise.judge_progress(round_=round_, actor=request.user),
    }
    return render(request, "judging/pairwise/compare.html", context)


def _pairwise_action(request, round_) -> None:
    action = request.POST.get("action")
    if action == "undo":
        pairwise.undo_last(round_=round_, actor=request.user)
        messages.success(request, _("Your last comparison is undone: choose again."))
        return
    current = pairwise.access_entry(round_=round_, pk=request.POST.get("current", ""))
    following = pairwise.access_entry(round_=round_, pk=request.POST.get("next", ""))
    if action == "current":
        winner, loser = current, following
    elif action == "next":
        winner, loser = following, current
    else:
        raise AileagueError(_("Choose which project is better."), code="invalid_choice")
    pairwise.record_comparison(round_=round_, actor=request.user, winner=winner, loser=loser)
    messages.success(request, _("Recorded. On to the next project."))

"""The organiser's round pages: status, assignment, results with extra reviews, formal checks,
the results CSV and new pitch sessions. Thin adapters over ``judging.services`` and friends."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.common.errors import AileagueError, PermissionDenied
from aileague.common.views import or_404
from aileague.judging import queries, services
from aileague.judging.assigning import assign_reviewers
from aileague.judging.calibration import compute_round_results, request_extra_reviews
from aileague.judging.forms import (
    FormalCheckForm,
    PitchSessionForm,
    RoundStatusForm,
)
from aileague.judging.models import (
    Assignment,
    JudgedEntry,
    JudgingRound,
    RoundKind,
    RoundStatus,
)

# --- Organisers -----------------------------------------------------------------------------


def _organised_round(request, pk: int) -> JudgingRound:
    round_ = or_404(services.access_round, pk=pk)
    try:
        services.check_organiser(request.user, round_)
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None
    return round_


def _juror_rows(round_: JudgingRound):
    loads: dict[int, list[int]] = {}
    for user_id, submitted in Assignment.objects.filter(round=round_).values_list(
        "user_id", "review__submitted_at"
    ):
        counts = loads.setdefault(user_id, [0, 0])
        counts[0] += 1
        counts[1] += submitted is not None
    return [
        {
            "juror": juror,
            "assigned": loads.get(juror.user_id, [0, 0])[0],
            "submitted": loads.get(juror.user_id, [0, 0])[1],
        }
        for juror in round_.jurors.select_related("user")
    ]


@login_required
def round_detail(request, pk: int):
    round_ = _organised_round(request, pk)
    results = []
    if round_.results_computed_at is not None:
        results = list(queries.round_results(round_=round_, user=request.user))
    context = {
        "round": round_,
        "progress": queries.round_progress(round_),
        "entries": round_.entries.select_related("team").order_by("pk"),
        "jurors": _juror_rows(round_),
        "results": results,
        "statuses": RoundStatus.choices,
    }
    if round_.kind == RoundKind.PITCH:
        context["sessions"] = round_.sessions.select_related("track").order_by("starts_at")
        context["session_form"] = PitchSessionForm(tracks=_tracks_of(round_))
    return render(request, "judging/round.html", context)


def _tracks_of(round_: JudgingRound):
    from aileague.competitions.models import Track

    league = round_.stage.scenario.track.league if round_.stage_id else None
    return Track.objects.filter(league=league) if league else Track.objects.none()


@login_required
@require_POST
def new_pitch_session(request, pk: int):
    """An organiser schedules a pitch session of one track; the draw happens on its page."""
    from aileague.judging.pitch import create_session

    round_ = _organised_round(request, pk)
    form = PitchSessionForm(request.POST, tracks=_tracks_of(round_))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}")
        return redirect("judging:round", pk=round_.pk)
    data = form.cleaned_data
    session = _run(
        request,
        create_session,
        round_=round_,
        track=data["track"],
        name={get_language() or "en": data["name"]},
        starts_at=data["starts_at"],
        pitch_minutes=data["pitch_minutes"],
        qa_minutes=data["qa_minutes"],
        room=data["room"],
    )
    if session is None:
        return redirect("judging:round", pk=round_.pk)
    return redirect("pitch:session", pk=session.pk)


def _run(request, call, **kwargs):
    """Call an organiser service; its refusal becomes an error message on the round page."""
    try:
        return call(actor=request.user, **kwargs)
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None
    except AileagueError as exc:
        messages.error(request, exc.message)
        return None


@login_required
@require_POST
def round_status(request, pk: int):
    round_ = _organised_round(request, pk)
    form = RoundStatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if _run(request, services.set_round_status, round_=round_, status=status):
        messages.success(
            request, _("The round is now: %(status)s.") % {"status": round_.get_status_display()}
        )
    return redirect("judging:round", pk=round_.pk)


@login_required
@require_POST
def run_assignment(request, pk: int):
    round_ = _organised_round(request, pk)
    report = _run(request, assign_reviewers, round_=round_)
    if report is not None:
        messages.success(
            request,
            ngettext(
                "Assignment done: %(created)d created, %(kept)d kept, %(removed)d removed; "
                "total affinity %(affinity).2f; the judges and entries form %(components)d "
                "connected group.",
                "Assignment done: %(created)d created, %(kept)d kept, %(removed)d removed; "
                "total affinity %(affinity).2f; the judges and entries form %(components)d "
                "connected groups.",
                report.components,
            )
            % {
                "created": report.created,
                "kept": report.kept,
                "removed": report.removed,
                "affinity": report.total_affinity,
                "components": report.components,
            },
        )
    return redirect("judging:round", pk=round_.pk)


@login_required
@require_POST
def compute_results(request, pk: int):
    round_ = _organised_round(request, pk)
    if _run(request, compute_round_results, round_=round_) is not None:
        messages.success(request, _("The results are computed."))
    return redirect("judging:round", pk=round_.pk)


@login_required
@require_POST
def extra_reviews(request, pk: int):
    round_ = _organised_round(request, pk)
    outcome = _run(request, request_extra_reviews, round_=round_)
    if outcome is not None:
        messages.success(
            request,
            ngettext(
                "%(added)d extra review assigned; flagged entries without a free judge: "
                "%(unavailable)d.",
                "%(added)d extra reviews assigned; flagged entries without a free judge: "
                "%(unavailable)d.",
                outcome["added"],
            )
            % {"added": outcome["added"], "unavailable": outcome["no_free_judge"]},
        )
    return redirect("judging:round", pk=round_.pk)


@login_required
@require_POST
def formal_check(request, pk: int):
    entry = JudgedEntry.objects.filter(pk=pk).select_related("round").first()
    if entry is None:
        raise Http404(_("No such entry."))
    round_ = _organised_round(request, entry.round_id)
    form = FormalCheckForm(request.POST)
    form.is_valid()
    passed = form.cleaned_data.get("passed", False)
    note = form.cleaned_data.get("note", "")
    if _run(request, services.check_entry_formally, entry=entry, passed=passed, note=note):
        if passed:
            messages.success(request, _("“%(title)s” passed the formal check.") % {"title": entry})
        else:
            messages.success(request, _("“%(title)s” is returned to the team.") % {"title": entry})
    return redirect("judging:round", pk=round_.pk)


RESULT_COLUMNS = [
    "rank",
    "entry_id",
    "title",
    "team",
    "country",
    "method",
    "n_reviews",
    "raw_mean",
    "score",
    "stderr",
    "spread",
    "flagged",
]


@login_required
def results_csv(request, pk: int):
    round_ = _organised_round(request, pk)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="jury-results-{round_.pk}.csv"'},
    )
    writer = csv.writer(response)
    writer.writerow(RESULT_COLUMNS)
    for result in queries.round_results(round_=round_, user=request.user):
        entry = result.entry

        def number(value):
            return "" if value is None else repr(value)

        writer.writerow(
            [
                result.rank or "",
                entry.pk,
                entry.title,
                entry.team.name if entry.team_id else "",
                entry.country,
                result.method,
                result.n_reviews,
                number(result.raw_mean),
                number(result.score),
                number(result.stderr),
                number(result.spread),
                int(result.flagged),
            ]
        )
    return response

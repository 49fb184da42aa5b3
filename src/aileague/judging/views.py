"""The online review pages: a judge's reviews and score sheets, a team's proposal and the
organiser's round page. Thin adapters over ``judging.services``/``queries`` and friends."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.accounts.queries import is_organiser
from aileague.common.errors import AileagueError, InvalidInput, NotFound, PermissionDenied
from aileague.common.i18n import pick
from aileague.competitions.models import EvaluationMode
from aileague.competitions.queries import access_scenario, access_stage
from aileague.judging import queries, services
from aileague.judging.assigning import assign_reviewers
from aileague.judging.calibration import compute_round_results, request_extra_reviews
from aileague.judging.forms import (
    ConflictForm,
    FormalCheckForm,
    JudgeProfileForm,
    PitchSessionForm,
    ProposalForm,
    RoundStatusForm,
    ScoreSheetForm,
)
from aileague.judging.models import (
    Assignment,
    JudgedEntry,
    JudgeProfile,
    JudgingRound,
    Review,
    RoundKind,
    RoundStatus,
)
from aileague.judging.reviews import save_review
from aileague.teams.models import Membership
from aileague.teams.queries import entry_of


def _or_404(call, **kwargs):
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).first()


def _state(review: Review | None) -> str:
    if review is None:
        return "todo"
    return "submitted" if review.is_submitted else "draft"


# --- Judges ---------------------------------------------------------------------------------


def _organised_rounds(user):
    """Rounds whose league the user organises, for the organiser's links."""
    if not is_organiser(user):
        return []
    rounds = JudgingRound.objects.select_related("stage__scenario__track__league").order_by(
        "-created_at"
    )
    return [r for r in rounds if is_organiser(user, services.league_of_round(r))]


@login_required
def my_reviews(request):
    """The judge's rounds, each with its assignments and their state, and a progress bar."""
    by_round: dict[int, list] = {}
    for assignment in queries.assignments_of(request.user):
        review = _review_of(assignment)
        by_round.setdefault(assignment.round_id, []).append(
            {"assignment": assignment, "review": review, "state": _state(review)}
        )
    rounds = []
    for round_ in queries.rounds_of_judge(request.user).select_related("stage__scenario"):
        rows = by_round.get(round_.pk, [])
        rounds.append(
            {
                "round": round_,
                "rows": rows,
                "done": sum(1 for row in rows if row["state"] == "submitted"),
                "total": len(rows),
            }
        )
    context = {"rounds": rounds, "organised": _organised_rounds(request.user)}
    return render(request, "judging/my_reviews.html", context)


@login_required
def judge_profile(request):
    profile = JudgeProfile.objects.filter(user=request.user).first()
    initial = {}
    if profile is not None:
        initial = {
            "expertise": ", ".join(profile.expertise),
            "languages": list(profile.languages),
            "declared_organisations": "\n".join(profile.declared_organisations),
            "collaborators": "\n".join(profile.collaborators.values_list("email", flat=True)),
        }
    form = JudgeProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_judge_profile(
                user=request.user,
                actor=request.user,
                expertise=data["expertise"].split(","),
                languages=data["languages"],
                declared_organisations=data["declared_organisations"].splitlines(),
                collaborators=data["collaborators"],
            )
        except AileagueError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your judge profile is saved."))
            return redirect("judging:profile")
    organisation = getattr(request.user, "organisation", None)
    return render(request, "judging/profile.html", {"form": form, "organisation": organisation})


def _peer_rows(peers, criteria):
    """Each peer review with its scores in the rubric's order, for the template."""
    return [
        {
            "peer": peer,
            "scores": [(pick(c.name) or c.key, peer.scores.get(c.key)) for c in criteria],
        }
        for peer in peers
    ]


@login_required
def score_sheet(request, pk: int):
    """The score sheet of one assignment. Anyone but its (non-conflicted) judge gets 404."""
    assignment = _or_404(queries.access_assignment, user=request.user, pk=pk)
    round_ = assignment.round
    criteria = list(round_.criteria.all())
    review = _review_of(assignment)
    initial = {}
    if review is not None:
        initial = {"comment": review.comment, "recommendation": review.recommendation}
        initial |= {f"score_{k}": _score_text(v) for k, v in review.scores.items()}
    form = ScoreSheetForm(request.POST or None, initial=initial, criteria=criteria)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            review = save_review(
                assignment=assignment,
                actor=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                recommendation=form.cleaned_data["recommendation"],
                submit=submit,
            )
        except InvalidInput as exc:
            problems = list(exc.details) if isinstance(exc.details, list) else [exc.message]
        except AileagueError as exc:
            problems = [exc.message]
        else:
            if review.is_submitted:
                messages.success(request, _("Your review is submitted. Thank you."))
            else:
                messages.success(request, _("Your draft is saved."))
            return redirect("judging:sheet", pk=assignment.pk)
    context = {
        "assignment": assignment,
        "entry": assignment.entry,
        "round": round_,
        "form": form,
        "problems": problems,
        "review": review,
        "state": _state(review),
        "editable": round_.kind != RoundKind.PITCH and round_.status == RoundStatus.OPEN,
        "peers": _peer_rows(
            queries.other_reviews(assignment=assignment, user=request.user), criteria
        ),
        "conflict_form": ConflictForm(),
    }
    return render(request, "judging/sheet.html", context)


def _score_text(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@login_required
@require_POST
def declare_conflict(request, pk: int):
    """The judge declares a conflict with the entry: the sheet disappears from their list."""
    assignment = _or_404(queries.access_assignment, user=request.user, pk=pk)
    form = ConflictForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.declare_conflict(
        entry=assignment.entry, judge=request.user, actor=request.user, note=note
    )
    messages.success(
        request,
        _("Your conflict of interest is recorded; the organisers will reassign this entry."),
    )
    return redirect("judging:mine")


def _may_read_document(user, entry: JudgedEntry) -> bool:
    """Organisers, the team's members and the entry's assigned judges without a conflict."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_organiser(user, services.league_of_round(entry.round)):
        return True
    if entry.team_id and Membership.objects.filter(team_id=entry.team_id, user=user).exists():
        return True
    return queries.assignments_of(user).filter(entry=entry).exists()


@login_required
def entry_document(request, pk: int):
    """A proposal's PDF, served through a permission check (never by its media address)."""
    entry = (
        JudgedEntry.objects.select_related("round__stage__scenario__track__league")
        .filter(pk=pk)
        .first()
    )
    if entry is None or not entry.document or not _may_read_document(request.user, entry):
        raise Http404(_("No such document."))
    return FileResponse(
        entry.document.open("rb"),
        as_attachment=True,
        filename=f"proposal-{entry.pk}.pdf",
        content_type="application/pdf",
    )


# --- Teams ----------------------------------------------------------------------------------


def _review_round_of(stage) -> JudgingRound:
    if stage.evaluation_mode not in (EvaluationMode.JURY, EvaluationMode.COMBINED):
        raise Http404(_("This stage is not judged by a jury."))
    round_ = (
        JudgingRound.objects.filter(stage=stage, kind=RoundKind.REVIEW)
        .order_by("created_at", "pk")
        .first()
    )
    if round_ is None:
        raise Http404(_("This stage has no online review."))
    return round_


def _proposal_initial(entry: JudgedEntry | None) -> dict:
    if entry is None:
        return {}
    return {
        "title": entry.title,
        "summary": entry.summary,
        "language": entry.language,
        "tags": ", ".join(entry.tags),
        **{key: entry.links.get(key, "") for key in ("slides", "video", "demo")},
        "avoid": "\n".join(entry.avoid_judges.values_list("email", flat=True)),
    }


@login_required
def proposal(request, slug: str, stage_slug: str):
    """The team's proposal for a jury-judged stage, its formal check and the organiser's note."""
    scenario = _or_404(access_scenario, slug=slug, user=request.user)
    stage = _or_404(access_stage, scenario=scenario, slug=stage_slug)
    round_ = _review_round_of(stage)
    team_entry = entry_of(request.user, scenario)
    if team_entry is None:
        raise HttpForbidden(_("Your team is not entered in this scenario."))
    team = team_entry.team
    entry = JudgedEntry.objects.filter(round=round_, team=team).first()
    form = ProposalForm(
        request.POST or None, request.FILES or None, initial=_proposal_initial(entry)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = data["document"]
        if document is not None:
            document.name = "proposal.pdf"  # the team's file name may name the team
        try:
            services.submit_proposal(
                round_=round_,
                team=team,
                actor=request.user,
                title=data["title"],
                summary=data["summary"],
                language=data["language"],
                tags=data["tags"].split(","),
                links=form.links(),
                document=document,
                avoid_judges=data["avoid"],
            )
        except AileagueError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your proposal is saved."))
            return redirect("judging:proposal", slug=scenario.slug, stage_slug=stage.slug)
    context = {
        "scenario": scenario,
        "stage": stage,
        "round": round_,
        "team": team,
        "entry": entry,
        "form": form,
    }
    return render(request, "judging/proposal.html", context)


# --- Organisers -----------------------------------------------------------------------------


def _organised_round(request, pk: int) -> JudgingRound:
    round_ = _or_404(services.access_round, pk=pk)
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

"""The online review pages: a judge's reviews, profile and score sheets, and a team's proposal
(the organiser's round pages are in ``round_views``). Thin adapters over ``judging.services``,
``queries`` and friends."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.accounts.queries import is_organiser
from aileague.common.errors import AileagueError, InvalidInput
from aileague.common.i18n import pick
from aileague.common.views import or_404
from aileague.competitions.models import EvaluationMode
from aileague.competitions.queries import access_scenario, access_stage
from aileague.judging import queries, services
from aileague.judging.forms import (
    ConflictForm,
    JudgeProfileForm,
    ProposalForm,
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
    assignment = or_404(queries.access_assignment, user=request.user, pk=pk)
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
    assignment = or_404(queries.access_assignment, user=request.user, pk=pk)
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
    scenario = or_404(access_scenario, slug=slug, user=request.user)
    stage = or_404(access_stage, scenario=scenario, slug=stage_slug)
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

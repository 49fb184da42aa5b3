"""Submitting, following scores live, choosing finals and the stage leaderboards."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aileague.accounts.queries import can_manage_scenario
from aileague.common.errors import AileagueError, NotFound, PermissionDenied
from aileague.competitions.queries import access_scenario, access_stage
from aileague.leaderboards.queries import (
    BOARD_CACHE_S,
    PER_PAGE_CHOICES,
    board_cache_key,
    leaderboard_page,
    leaderboard_rows,
)
from aileague.submissions import queries, services
from aileague.submissions.forms import FinalSelectionForm, UploadForm
from aileague.submissions.models import ScoreSplit, SubmissionState
from aileague.submissions.queue import queue_places
from aileague.teams.queries import entry_of

PENDING_STATES = (SubmissionState.QUEUED, SubmissionState.SCORING)


def _higher_is_better(scenario) -> bool:
    # A bool, not the Metric: templates would try to call the (callable) Metric object.
    return queries.scenario_metric(scenario).higher_is_better


def _scenario_and_stage(slug: str, stage_slug: str, user):
    try:
        scenario = access_scenario(slug=slug, user=user)
        return scenario, access_stage(scenario=scenario, slug=stage_slug)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _entry_or_403(user, scenario):
    entry = entry_of(user, scenario)
    if entry is None:
        raise HttpForbidden(_("Your team is not entered in this scenario."))
    return entry


def _submission_rows(request, entry, stage):
    """What the list shows for each submission: state, visible scores, problems, actions."""
    can_change_finals = not stage.is_closed()
    submissions = list(queries.submissions_of_entry(entry=entry, stage=stage))
    places = queue_places(submissions)
    rows = []
    for submission in submissions:
        scores = queries.visible_scores(submission, request.user)
        rows.append(
            {
                "submission": submission,
                "place": places.get(submission.pk),
                "public": scores.get(ScoreSplit.PUBLIC),
                "private": scores.get(ScoreSplit.PRIVATE),
                "pending": submission.state in PENDING_STATES,
                "can_select": can_change_finals and submission.state == SubmissionState.SCORED,
            }
        )
    return rows


def _page_context(request, scenario, stage, entry):
    return {
        "scenario": scenario,
        "stage": stage,
        "entry": entry,
        "higher_is_better": _higher_is_better(scenario),
        "can_see_logs": can_manage_scenario(request.user, scenario),  # of failed scoring
        "quota": queries.quota_status(entry=entry, stage=stage),
        "rows": _submission_rows(request, entry, stage),
    }


@login_required
def upload(request, slug: str, stage_slug: str):
    scenario, stage = _scenario_and_stage(slug, stage_slug, request.user)
    entry = _entry_or_403(request.user, scenario)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            submission = services.submit_predictions(
                entry=entry,
                stage=stage,
                upload=upload_file,
                filename=upload_file.name,
                actor=request.user,
                description=form.cleaned_data["description"],
            )
        except AileagueError as exc:
            form.add_error("file", exc.message)
        else:
            if submission.state == SubmissionState.INVALID:
                messages.error(
                    request,
                    _(
                        "Your file has problems, listed below. Fix them and "
                        "upload it again: it did not count against your quota."
                    ),
                )
            else:
                messages.success(request, _("Your file is accepted and queued for scoring."))
            return redirect("submissions:upload", slug=scenario.slug, stage_slug=stage.slug)
    context = _page_context(request, scenario, stage, entry)
    context["form"] = form
    return render(request, "submissions/upload.html", context)


@never_cache
@login_required
def status(request, slug: str, stage_slug: str):
    """The team's submissions as JSON, with each list item rendered, for the live page."""
    scenario, stage = _scenario_and_stage(slug, stage_slug, request.user)
    entry = _entry_or_403(request.user, scenario)
    context = _page_context(request, scenario, stage, entry)
    submissions = [
        {
            "id": row["submission"].pk,
            "uuid": str(row["submission"].uuid),
            "state": row["submission"].state,
            "state_label": row["submission"].get_state_display(),
            "public_score": row["public"],
            "html": render_to_string(
                "submissions/_submission.html", {**context, "row": row}, request=request
            ),
        }
        for row in context["rows"]
    ]
    return JsonResponse(
        {
            "pending": any(row["pending"] for row in context["rows"]),
            "submissions": submissions,
            "quota": context["quota"].as_dict(),
            "quota_html": render_to_string("submissions/_quota.html", context, request=request),
        }
    )


@login_required
@require_POST
def select_final(request, submission_id: int):
    submission = _submission_or_404(submission_id, request.user)
    form = FinalSelectionForm(request.POST)
    selected = form.is_valid() and form.cleaned_data["selected"]
    try:
        services.select_final(submission=submission, selected=selected, actor=request.user)
    except AileagueError as exc:
        messages.error(request, exc.message)
    else:
        if selected:
            messages.success(
                request, _("Submission %(id)s is selected as final.") % {"id": submission.pk}
            )
        else:
            messages.success(
                request, _("Submission %(id)s is no longer selected.") % {"id": submission.pk}
            )
    return redirect(
        "submissions:upload", slug=submission.stage.scenario.slug, stage_slug=submission.stage.slug
    )


@login_required
def download(request, uuid):
    """A submitted file, for its team (and the scenario's managers) only."""
    submission = _submission_or_404(str(uuid), request.user)
    return FileResponse(
        submission.file.open("rb"), as_attachment=True, filename=submission.original_name
    )


def _submission_or_404(submission_id, user):
    try:
        return queries.access_submission(submission_id=submission_id, user=user)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _positive_int(raw, default: int) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return default


def leaderboard(request, slug: str, stage_slug: str):
    """One page of a board, read from its standings; the viewer's team is shown even when it
    is on another page."""
    scenario, stage = _scenario_and_stage(slug, stage_slug, request.user)
    split = request.GET.get("split", ScoreSplit.PUBLIC)
    if split not in ScoreSplit.values:
        raise Http404
    entry = entry_of(request.user, scenario)
    team_id = entry.team_id if entry else None
    per_page = _positive_int(request.GET.get("per_page"), PER_PAGE_CHOICES[0])
    if per_page not in PER_PAGE_CHOICES:
        per_page = PER_PAGE_CHOICES[0]
    try:
        board = leaderboard_page(
            stage=stage,
            split=split,
            user=request.user,
            page=_positive_int(request.GET.get("page"), 1),
            per_page=per_page,
            team_id=team_id,
        )
    except PermissionDenied:
        board = None  # the private board before the close: the page says when it opens
    rows = [{"row": row, "last": row.last_submitted_at} for row in board.rows] if board else []
    context = {
        "scenario": scenario,
        "stage": stage,
        "split": split,
        "splits": ScoreSplit.choices,
        "higher_is_better": _higher_is_better(scenario),
        "rows": rows,
        "rows_html": _board_rows_html(request, stage, split, board, rows, team_id) if board else "",
        "board": board,
        "mine": board.mine if board else None,
        "per_page_choices": PER_PAGE_CHOICES,
        "board_query": f"split={split}&per_page={per_page}&",
        "show_shakeup": stage.is_closed(),  # managers may open it earlier, by its address
        "hidden": board is None,
        "my_team_id": team_id,
    }
    return render(request, "submissions/leaderboard.html", context)


def _board_rows_html(request, stage, split, board, rows, team_id) -> str:
    """The page's rows, rendered once per board version, language and time zone (the cache
    keeps them until the board changes), with the viewer's own row marked afterwards."""
    key = ":".join(
        [
            board_cache_key(
                stage=stage,
                split=split,
                page=board.page,
                per_page=board.per_page,
                version=board.version,
            ),
            "html",
            get_language() or "",
            timezone.get_current_timezone_name(),
        ]
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("leaderboards/_board_rows.html", {"rows": rows})
        cache.set(key, html, BOARD_CACHE_S)
    if team_id is not None:
        badge = format_html(' <span class="badge info">{}</span>', _("your team"))
        html = html.replace(
            f'<tr data-team="{team_id}">',
            f'<tr class="mine" aria-current="true" data-team="{team_id}">',
        ).replace(f"<!--team-{team_id}-->", badge)
    return mark_safe(html)  # noqa: S308 - our own template's output, marked up by us


class _Echo:
    """A write-only buffer: csv.writer hands each line straight to the streaming response."""

    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "rank",
    "team",
    "country",
    "province",
    "joint",
    "score",
    "metric",
    "scored_submissions",
    "counting_submission_at",
    "last_submission_at",
]


def leaderboard_csv(request, slug: str, stage_slug: str):
    """Every row of the board, streamed in the page's order (both read the standings)."""
    scenario, stage = _scenario_and_stage(slug, stage_slug, request.user)
    split = request.GET.get("split", ScoreSplit.PUBLIC)
    try:
        rows = leaderboard_rows(stage=stage, split=split, user=request.user)
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None
    except NotFound as exc:
        raise Http404(exc.message) from None
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for row in rows:
            last_at = row.last_submitted_at
            yield writer.writerow(
                [
                    row.rank,
                    row.team_name,
                    row.country,
                    row.province,
                    int(row.is_joint),
                    repr(row.score),
                    scenario.metric,
                    row.entries,
                    row.submitted_at.isoformat(),
                    last_at.isoformat() if last_at else "",
                ]
            )

    filename = f"leaderboard-{scenario.slug}-{stage.slug}-{split}.csv"
    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

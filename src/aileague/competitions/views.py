"""The league's public pages: home, a scenario with its data, stages and questions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.common.errors import AileagueError, NotFound
from aileague.competitions import queries, services
from aileague.competitions.forms import AnswerForm, QuestionForm
from aileague.teams.queries import entry_of, teams_captained_by


def _scenario_or_404(slug: str, user):
    try:
        return queries.access_scenario(slug=slug, user=user)
    except NotFound as exc:
        raise Http404(exc.message) from None


def home(request):
    scenarios = queries.visible_scenarios(request.user).prefetch_related("stages")
    by_track: dict[int, list] = {}
    for scenario in scenarios:
        scenario.stage_now = queries.current_stage(scenario)
        by_track.setdefault(scenario.track_id, []).append(scenario)
    leagues = [
        {
            "league": league,
            "tracks": [
                {"track": track, "scenarios": by_track[track.pk]}
                for track in league.tracks.all()
                if track.pk in by_track
            ],
        }
        for league in queries.leagues_with_tracks()
    ]
    return render(request, "competitions/home.html", {"leagues": leagues})


def scenario_detail(request, slug: str):
    scenario = _scenario_or_404(slug, request.user)
    user = request.user
    entry = entry_of(user, scenario)
    context = {
        "scenario": scenario,
        "stages": scenario.stages.all(),
        "stage_now": queries.current_stage(scenario),
        "data_files": scenario.data_files.all(),
        "questions": scenario.questions.select_related("asked_by"),
        "can_manage": queries.manageable(user, scenario),
        "entry": entry,
        # Teams the user captains in this league, for the "enter this scenario" form.
        "captain_teams": [] if entry else list(teams_captained_by(user, scenario.track.league)),
        "question_form": QuestionForm(),
    }
    return render(request, "competitions/scenario.html", context)


def data_file(request, slug: str, name: str):
    """A public data file of a scenario the viewer may see. The hidden reference never is one."""
    scenario = _scenario_or_404(slug, request.user)
    data = scenario.data_files.filter(name=name).first()
    if data is None or not data.file:
        raise Http404
    return FileResponse(data.file.open("rb"), as_attachment=True, filename=data.name)


@login_required
@require_POST
def ask_question(request, slug: str):
    scenario = _scenario_or_404(slug, request.user)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_question(
                scenario=scenario, actor=request.user, text=form.cleaned_data["text"]
            )
        except AileagueError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your question is posted; the answer will appear here."))
    else:
        messages.error(request, _("Write your question first."))
    return redirect(scenario_url(scenario) + "#questions")


@login_required
@require_POST
def answer_question(request, slug: str, question_id: int):
    scenario = _scenario_or_404(slug, request.user)
    question = scenario.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_question(
                question=question, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except AileagueError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The answer is published."))
    else:
        messages.error(request, _("Write the answer first."))
    return redirect(scenario_url(scenario) + "#questions")


def scenario_url(scenario) -> str:
    return reverse("competitions:scenario", args=[scenario.slug])

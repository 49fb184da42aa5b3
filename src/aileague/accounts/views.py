"""Account pages: sign up, verify, log in and out, profile, API tokens. Thin adapters."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aileague.accounts import services
from aileague.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    ProfileForm,
    SignUpForm,
)
from aileague.accounts.queries import api_tokens_of
from aileague.common.errors import AileagueError

# Which form field an error code belongs to, so the message shows next to it.
SIGN_UP_ERROR_FIELDS = {
    "invalid_email": "email",
    "email_taken": "email",
    "weak_password": "password",
    "invalid_timezone": "timezone",
}


def _remember_language(response, language: str):
    """Switch the interface to the account's language, as the language switcher would."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.sign_up(
                email=data["email"],
                password=data["password"],
                real_name=data["real_name"],
                display_name=data["display_name"],
                country=data["country"],
                language=data["language"],
                timezone_name=data["timezone"],
            )
        except AileagueError as exc:
            form.add_error(SIGN_UP_ERROR_FIELDS.get(exc.code), exc.message)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            response = redirect("accounts:profile")
            _remember_language(response, user.language)
            messages.success(
                request,
                _("Welcome! We sent a confirmation link to %(email)s. Open it to take part.")
                % {"email": user.email},
            )
            return response
    return render(request, "accounts/sign_up.html", {"form": form})


def verify(request, token: str):
    try:
        user = services.verify_email(token=token)
    except AileagueError as exc:
        return render(request, "accounts/verify.html", {"error": exc.message}, status=400)
    return render(request, "accounts/verify.html", {"verified_user": user})


@login_required
@require_POST
def resend_verification(request):
    if request.user.email_verified:
        messages.info(request, _("Your email address is already confirmed."))
    else:
        services.send_verification_email(user=request.user)
        messages.success(
            request,
            _("We sent a new confirmation link to %(email)s.") % {"email": request.user.email},
        )
    return redirect("accounts:profile")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return _remember_language(response, form.get_user().language)


@login_required
def profile(request):
    user = request.user
    initial = {name: getattr(user, name) for name in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **form.cleaned_data)
        except AileagueError as exc:
            form.add_error(None, exc.message)
        else:
            response = redirect("accounts:profile")
            _remember_language(response, user.language)
            messages.success(request, _("Your profile is saved."))
            return response
    return render(request, "accounts/profile.html", {"form": form})


@never_cache
@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.create_api_token(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    context = {"form": form, "secret": secret, "tokens": api_tokens_of(request.user)}
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def revoke_api_token(request, token_id: int):
    try:
        services.revoke_api_token(user=request.user, token_id=token_id)
    except AileagueError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The token is revoked; programs using it can no longer sign in.")
        )
    return redirect("accounts:api_tokens")

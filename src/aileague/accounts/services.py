"""Accounts: sign-up with email verification, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.accounts.models import ApiToken, Organisation, Role, RoleGrant, User
from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, NotFound

VERIFY_SALT = "aileague.accounts.verify-email"
VERIFY_MAX_AGE_S = 3 * 24 * 3600
TOKEN_PREFIX = "ail_"


def sign_up(
    *,
    email: str,
    password: str,
    real_name: str = "",
    display_name: str = "",
    country: str = "",
    language: str = "en",
    timezone_name: str = "Asia/Shanghai",
    send_verification: bool = True,
) -> User:
    """Create an unverified account and email a verification link."""
    email = email.strip().lower()
    if not email or "@" not in email:
        raise InvalidInput(_("Enter a valid email address."), code="invalid_email")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("An account with this email address already exists."), code="email_taken")
    try:
        zoneinfo.ZoneInfo(timezone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(_("Unknown time zone."), code="invalid_timezone") from None
    user = User(
        email=email,
        username=email,
        real_name=real_name,
        display_name=display_name,
        country=country,
        language=language,
        timezone=timezone_name,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="weak_password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        record_audit(actor=user, action="account.sign_up", target=user, after={"email": email})
    if send_verification:
        send_verification_email(user=user)
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification_email(*, user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:verify", args=[verification_token(user)])
    send_mail(
        subject=_("Confirm your aileague account"),
        message=_("Open this link to confirm your email address:") + "\n\n" + link + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def verify_email(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE_S)
    except signing.SignatureExpired:
        raise InvalidInput(
            _("This verification link has expired. Sign in and ask for a new one."),
            code="verification_expired",
        ) from None
    except signing.BadSignature:
        raise InvalidInput(
            _("This verification link is not valid."), code="verification_invalid"
        ) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise NotFound(_("This verification link is not valid."), code="verification_invalid")
    if user.email_verified_at is None:
        with transaction.atomic():
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            record_audit(actor=user, action="account.verify_email", target=user)
    return user


def update_profile(*, user: User, **fields: str) -> User:
    allowed = {"real_name", "display_name", "country", "language", "timezone"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(
            _("Unknown profile field."), code="invalid_field", details=sorted(unknown)
        )
    if "timezone" in fields:
        try:
            zoneinfo.ZoneInfo(fields["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(_("Unknown time zone."), code="invalid_timezone") from None
    before = {name: getattr(user, name) for name in fields}
    with transaction.atomic():
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
        record_audit(
            actor=user, action="account.update_profile", target=user, before=before, after=fields
        )
    return user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    name = name.strip() or "token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:80], prefix=secret[:12], key_hash=_hash(secret)
        )
        record_audit(actor=user, action="token.create", target=token, after={"name": token.name})
    return token, secret


def revoke_api_token(*, user: User, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).first()
    if token is None:
        raise NotFound(_("No such token."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor=user, action="token.revoke", target=token)


def user_for_api_token(secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def grant_role(
    *, user: User, role: Role | str, actor=None, league=None, track=None, scenario=None
) -> RoleGrant:
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user, role=Role(role), league=league, track=track, scenario=scenario
        )
        if created:
            record_audit(
                actor=actor,
                action="role.grant",
                target=grant,
                after={"user": user.pk, "role": str(role)},
            )
    return grant


def get_or_create_organisation(*, name: str, kind: str, country: str) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "country": country}
    )
    return organisation

"""Accounts: sign-up with email verification, API tokens, and who holds which role where."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing

from aileague.accounts import queries, services
from aileague.accounts.models import ApiToken, Role, RoleGrant, User
from aileague.common.errors import Conflict, InvalidInput, NotFound
from aileague.common.models import AuditEntry
from tests.factories import PASSWORD, make_league, make_scenario, make_track, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/accounts/verify/(?P<token>[^/\s]+)/")


def actions(target) -> list[str]:
    """Audit actions recorded for one object, oldest first."""
    entries = AuditEntry.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).order_by("id")
    return list(entries.values_list("action", flat=True))


def sign_up(**fields) -> User:
    return services.sign_up(**{"email": "mai@example.org", "password": PASSWORD, **fields})


# --- Sign-up -----------------------------------------------------------------------------------


def test_sign_up_creates_an_unverified_account_with_a_lowercased_email(mailoutbox):
    user = sign_up(email="  Mai.Nguyen@Example.ORG ", timezone_name="Asia/Ho_Chi_Minh")
    assert (user.email, user.username, user.timezone) == (
        "mai.nguyen@example.org",
        "mai.nguyen@example.org",
        "Asia/Ho_Chi_Minh",
    )
    assert user.email_verified is False
    assert user.check_password(PASSWORD)
    assert actions(user) == ["account.sign_up"]


def test_sign_up_refuses_an_email_already_taken_whatever_its_case(mailoutbox):
    sign_up(email="mai@example.org")
    with pytest.raises(Conflict) as raised:
        sign_up(email="MAI@example.org")
    assert raised.value.code == "email_taken"
    assert User.objects.count() == 1


@pytest.mark.parametrize("email", ["", "not-an-address"])
def test_sign_up_refuses_an_invalid_email(email):
    with pytest.raises(InvalidInput) as raised:
        sign_up(email=email)
    assert raised.value.code == "invalid_email"


@pytest.mark.parametrize("password", ["short", "password123", "mai@example.org"])
def test_sign_up_refuses_a_weak_password(password):
    with pytest.raises(InvalidInput) as raised:
        sign_up(password=password)
    assert raised.value.code == "weak_password"
    assert User.objects.count() == 0


def test_sign_up_refuses_an_unknown_time_zone():
    with pytest.raises(InvalidInput) as raised:
        sign_up(timezone_name="Asia/Atlantis")
    assert raised.value.code == "invalid_timezone"
    assert User.objects.count() == 0


def test_sign_up_emails_a_link_whose_token_verifies_the_account(mailoutbox):
    user = sign_up()
    (mail,) = mailoutbox
    assert mail.to == ["mai@example.org"]
    assert mail.subject == "Confirm your aileague account"
    token = LINK.search(mail.body)["token"]
    assert mail.body == (
        "Open this link to confirm your email address:\n\n"
        f"{settings.SITE_URL}/accounts/verify/{token}/\n"
    )
    verified = services.verify_email(token=token)
    assert verified == user
    user.refresh_from_db()
    assert user.email_verified is True
    assert actions(user) == ["account.sign_up", "account.verify_email"]


def test_sign_up_without_verification_sends_no_email(mailoutbox):
    sign_up(send_verification=False)
    assert mailoutbox == []


def test_verifying_twice_changes_nothing_the_second_time(mailoutbox):
    user = sign_up(send_verification=False)
    token = services.verification_token(user)
    first = services.verify_email(token=token).email_verified_at
    second = services.verify_email(token=token).email_verified_at
    assert first == second
    assert actions(user) == ["account.sign_up", "account.verify_email"]


class _SignerInThePast(signing.TimestampSigner):
    """Django's own signer, with its clock set back: a link mailed long ago."""

    def __init__(self, *, seconds_ago: int, **kwargs):
        super().__init__(**kwargs)
        self.seconds_ago = seconds_ago

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.seconds_ago)


def test_a_verification_link_older_than_three_days_has_expired():
    user = make_user(verified=False)
    signer = _SignerInThePast(seconds_ago=services.VERIFY_MAX_AGE_S + 1, salt=services.VERIFY_SALT)
    token = signer.sign_object({"u": user.pk, "e": user.email})
    with pytest.raises(InvalidInput) as raised:
        services.verify_email(token=token)
    assert raised.value.code == "verification_expired"
    user.refresh_from_db()
    assert user.email_verified is False


def test_a_verification_link_just_under_three_days_old_still_works():
    user = make_user(verified=False)
    signer = _SignerInThePast(seconds_ago=services.VERIFY_MAX_AGE_S - 60, salt=services.VERIFY_SALT)
    token = signer.sign_object({"u": user.pk, "e": user.email})
    assert services.verify_email(token=token).email_verified is True


@pytest.mark.parametrize("token", ["garbled", "eyJ1IjoxfQ:1abc:deadbeef"])
def test_a_garbled_verification_link_is_invalid(token):
    with pytest.raises(InvalidInput) as raised:
        services.verify_email(token=token)
    assert raised.value.code == "verification_invalid"


def test_a_token_signed_for_another_purpose_is_invalid():
    user = make_user(verified=False)
    token = signing.dumps({"u": user.pk, "e": user.email}, salt="another-purpose")
    with pytest.raises(InvalidInput) as raised:
        services.verify_email(token=token)
    assert raised.value.code == "verification_invalid"


def test_a_link_for_an_email_address_since_changed_is_invalid():
    user = make_user(verified=False)
    token = services.verification_token(user)
    User.objects.filter(pk=user.pk).update(email="new@example.org")
    with pytest.raises(NotFound) as raised:
        services.verify_email(token=token)
    assert raised.value.code == "verification_invalid"


# --- API tokens --------------------------------------------------------------------------------


def test_a_new_api_token_authenticates_its_owner():
    user = make_user()
    token, secret = services.create_api_token(user=user, name="laptop")
    assert secret.startswith("ail_")
    assert services.user_for_api_token(secret) == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert actions(token) == ["token.create"]


def test_only_the_hash_of_an_api_token_is_stored():
    token, secret = services.create_api_token(user=make_user(), name="ci")
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(value) for value in stored.values()]


def test_a_blank_token_name_becomes_token():
    token, _secret = services.create_api_token(user=make_user(), name="   ")
    assert token.name == "token"


def test_a_revoked_api_token_no_longer_authenticates():
    user = make_user()
    token, secret = services.create_api_token(user=user, name="laptop")
    services.revoke_api_token(user=user, token_id=token.pk)
    assert services.user_for_api_token(secret) is None
    assert actions(token) == ["token.create", "token.revoke"]


def test_nobody_revokes_another_persons_token():
    owner = make_user()
    token, secret = services.create_api_token(user=owner, name="laptop")
    with pytest.raises(NotFound):
        services.revoke_api_token(user=make_user(), token_id=token.pk)
    assert services.user_for_api_token(secret) == owner


@pytest.mark.parametrize("secret", ["", "ail_", "ail_not-a-real-token", "Bearer ail_x"])
def test_unknown_or_malformed_secrets_authenticate_nobody(secret):
    services.create_api_token(user=make_user(), name="laptop")
    assert services.user_for_api_token(secret) is None


def test_a_deactivated_persons_token_authenticates_nobody():
    user = make_user()
    _token, secret = services.create_api_token(user=user, name="laptop")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert services.user_for_api_token(secret) is None


# --- Roles -------------------------------------------------------------------------------------


def test_granting_a_role_twice_keeps_one_grant_and_one_audit_entry():
    user = make_user()
    track = make_track()
    first = services.grant_role(user=user, role=Role.TRACK_MANAGER, track=track)
    second = services.grant_role(user=user, role="track_manager", track=track)
    assert first == second
    assert RoleGrant.objects.filter(user=user).count() == 1
    assert actions(first) == ["role.grant"]


def test_granting_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        services.grant_role(user=make_user(), role="emperor")


def test_every_signed_in_person_is_a_participant():
    assert queries.roles_of(make_user()) == ["participant"]
    assert queries.roles_of(make_user(role="judge")) == ["judge", "participant"]
    assert queries.roles_of(AnonymousUser()) == []


def test_a_league_wide_organiser_organises_every_league():
    organiser = make_user(role="organiser")
    assert queries.is_organiser(organiser) is True
    assert queries.is_organiser(organiser, make_league()) is True


def test_an_organiser_of_one_league_does_not_organise_another():
    league, other = make_league(), make_league()
    organiser = make_user(role="organiser", league=league)
    assert queries.is_organiser(organiser, league) is True
    assert queries.is_organiser(organiser, other) is False
    assert queries.can_manage_scenario(
        organiser, make_scenario(track=make_track(league=other))
    ) is (False)


def test_a_superuser_counts_as_organiser_and_anonymous_never_does():
    superuser = User.objects.create_superuser(
        username="root@example.org", email="root@example.org", password=PASSWORD
    )
    assert queries.is_organiser(superuser) is True
    assert queries.is_organiser(AnonymousUser()) is False


def test_a_track_manager_manages_and_reviews_scenarios_of_their_track_only():
    track = make_track()
    mine, elsewhere = make_scenario(track=track), make_scenario()
    manager = make_user(role="track_manager", track=track)
    assert (
        queries.can_manage_scenario(manager, mine),
        queries.can_review_scenario(manager, mine),
    ) == (
        True,
        True,
    )
    assert (
        queries.can_manage_scenario(manager, elsewhere),
        queries.can_review_scenario(manager, elsewhere),
    ) == (False, False)


def test_a_scenario_owner_manages_their_scenario_but_does_not_review_it():
    track = make_track()
    scenario, sibling = make_scenario(track=track), make_scenario(track=track)
    owner = make_user(role="scenario_owner", scenario=scenario)
    assert queries.can_manage_scenario(owner, scenario) is True
    assert queries.can_review_scenario(owner, scenario) is False
    assert queries.can_manage_scenario(owner, sibling) is False


def test_a_participant_neither_manages_nor_reviews():
    scenario = make_scenario()
    participant = make_user()
    assert (
        queries.can_manage_scenario(participant, scenario),
        queries.can_review_scenario(participant, scenario),
    ) == (False, False)
    assert queries.can_manage_scenario(AnonymousUser(), scenario) is False

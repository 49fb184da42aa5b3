from django.contrib.auth.backends import ModelBackend

from aileague.accounts.models import User


class EmailBackend(ModelBackend):
    """Log in with an email address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or kwargs.get(User.USERNAME_FIELD) or "").strip()
        if not email or password is None:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

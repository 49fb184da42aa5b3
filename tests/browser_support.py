"""What every browser test shares: Debian's chromium driven by Playwright, and logging in.

The ``browser`` fixture (tests/conftest.py) launches chromium once per module; tests skip with
a reason when chromium is not installed.
"""

from __future__ import annotations

from django.urls import reverse

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait for the home page."""
    page.goto(base_url + reverse("accounts:login"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + reverse("competitions:home"))

"""The signed score-sheet PDF of a ratified pitch session: it validates against the platform's
certificate, any tampering breaks it, and it carries the teams' names (Chinese ones too)."""

from __future__ import annotations

import hashlib
import io
import stat

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from aileague.judging import pitch
from aileague.judging.pdf import signed_pdf_of, signing_files
from tests.judging.test_pitch import make_pitch_session, score_slot, sheet

pytestmark = pytest.mark.django_db

CHINESE_TEAM = "桂林电子科技大学人工智能实验室"


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.AILEAGUE_SIGNING_DIR = str(tmp_path / "signing")
    return tmp_path / "signing"


def ratified_session():
    setup = make_pitch_session(n_entries=2, n_judges=1, team_names=[CHINESE_TEAM, "Mekong Minds"])
    slots = pitch.draw_order(session=setup.session, actor=setup.organiser, seed="c0ffee")
    for slot, value in zip(slots, (8, 5), strict=True):
        score_slot(setup, slot, {judge: sheet(value) for judge in setup.panel})
    pitch.ratify_session(session=setup.session, actor=setup.presidium)
    setup.session.refresh_from_db()
    return setup


def validate(pdf: bytes, cert_path):
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return validate_pdf_signature(signature, context)


def test_signed_sheets_validate_against_the_platform_certificate(signing_dir):
    setup = ratified_session()
    pdf = signed_pdf_of(setup.session)
    assert hashlib.sha256(pdf).hexdigest() == setup.session.pdf_sha256
    status = validate(pdf, signing_dir / "cert.pem")
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == "aileague jury score sheets"


def test_tampering_breaks_the_signature(signing_dir):
    setup = ratified_session()
    pdf = signed_pdf_of(setup.session)
    title = b"aileague pitch session"
    assert title in pdf
    tampered = pdf.replace(title, b"aileague pitch sessioN", 1)
    status = validate(tampered, signing_dir / "cert.pem")
    assert (status.intact, status.bottom_line) == (False, False)


def test_sheets_name_the_teams_the_seed_and_the_ratifier(signing_dir):
    setup = ratified_session()
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(signed_pdf_of(setup.session))).pages
    )
    assert CHINESE_TEAM in text
    assert "Mekong Minds" in text
    assert "c0ffee" in text
    assert "Chen Jing" in text
    assert "Final, smart logistics track" in text


def test_the_signing_key_is_made_once_and_kept_private(signing_dir):
    key, cert = signing_files()
    assert (key, cert) == (signing_dir / "key.pem", signing_dir / "cert.pem")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(signing_dir.stat().st_mode) == 0o700
    first = cert.read_bytes()
    assert signing_files() == (key, cert)
    assert cert.read_bytes() == first

"""The signed score-sheet PDF of a ratified pitch session.

The PDF lists the session, the drawn order with its seed, every panel judge's scores per slot,
the ranking with its tie-break rule and the ratification; it is then signed (PAdES, pyHanko)
with the platform's signing key. The key and its self-signed certificate are made once, on
first use, under ``<AILEAGUE_VAR_DIR>/signing/`` (mode 600; override the folder with the
``AILEAGUE_SIGNING_DIR`` setting). Anyone holding ``cert.pem`` can verify a printed or mailed
copy; the SHA-256 of the signed bytes is kept on the session as well.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import secrets
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from aileague.common.i18n import pick
from aileague.judging.models import PitchSession

FONT = "STSong-Light"  # Adobe's CID font: Latin and Chinese, nothing to embed
KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"


def signing_dir() -> Path:
    configured = getattr(settings, "AILEAGUE_SIGNING_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "signing"


def signing_files() -> tuple[Path, Path]:
    """(key, certificate) paths, creating the key pair and certificate on first use.

    Made in a private temporary folder and renamed into place, so two processes racing on the
    first use never read half a key pair: the loser of the rename discards its own."""
    folder = signing_dir()
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = folder.parent / f".{folder.name}-{secrets.token_hex(4)}"
    scratch.mkdir(mode=0o700)
    try:
        key_pem, cert_pem = _new_key_and_certificate()
        for name, data in ((KEY_FILE, key_pem), (CERT_FILE, cert_pem)):
            fd = os.open(scratch / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        try:
            scratch.rename(folder)
        except OSError:
            if not (key_path.exists() and cert_path.exists()):
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return key_path, cert_path


def _new_key_and_certificate() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aileague"),
            x509.NameAttribute(NameOID.COMMON_NAME, "aileague jury score sheets"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def stored_pdf_name(session: PitchSession) -> str:
    return f"pitch/session-{session.pk}-score-sheets.pdf"


def session_score_sheets_pdf(session: PitchSession, *, language: str | None = None) -> bytes:
    """Build, sign and store the session's score sheets; record their SHA-256 on the session.

    Called by ``pitch.ratify_session`` (inside its transaction). The labels are in
    ``language`` (default: the site's), the entries' own titles and names as written."""
    with translation.override(language or settings.LANGUAGE_CODE):
        unsigned = _render(session)
    signed = _sign(unsigned, session)
    name = stored_pdf_name(session)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(signed))
    session.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    session.save(update_fields=["pdf_sha256"])
    return signed


def signed_pdf_of(session: PitchSession) -> bytes:
    """The stored signed PDF (made again, with a new digest, only if the file was lost)."""
    name = stored_pdf_name(session)
    if session.pdf_sha256 and default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    return session_score_sheets_pdf(session)


def _sign(pdf: bytes, session: PitchSession) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    key_path, cert_path = signing_files()
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        reason=f"Score sheets of pitch session {session.pk}, ratified",
        location=settings.SITE_URL,
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    return out.getvalue()


def _render(session: PitchSession) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from aileague.judging.pitch import (
        TIE_BREAK_RULE,
        key_criterion,
        session_ranking,
        session_sheets,
    )

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = getSampleStyleSheet()
    body = base["Normal"].clone("body", fontName=FONT, fontSize=9, leading=12)
    small = body.clone("small", fontSize=8, leading=10)
    h1 = base["Title"].clone("h1", fontName=FONT, fontSize=15, leading=19)
    h2 = base["Heading2"].clone("h2", fontName=FONT, fontSize=12, leading=15)
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 8),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def para(text, style=body):
        return Paragraph(escape(str(text)), style)

    def moment(value):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "—"

    def team_of(entry):
        return entry.team.name if entry.team_id else "—"

    round_ = session.round
    criteria = list(round_.criteria.all())
    story = [
        para(pick(session.name) or _("Pitch session"), h1),
        para(
            _("Round: %(round)s · Track: %(track)s · Room: %(room)s · Starts: %(start)s")
            % {
                "round": pick(round_.name) or round_.slug,
                "track": pick(session.track.name) if session.track_id else "—",
                "room": session.room or "—",
                "start": moment(session.starts_at),
            }
        ),
        para(
            _("Slots of %(pitch)d minutes of pitch and %(qa)d minutes of questions.")
            % {"pitch": session.pitch_minutes, "qa": session.qa_minutes}
        ),
        Spacer(1, 4 * mm),
        para(_("Drawn order"), h2),
        para(
            _(
                "Seed %(seed)s, drawn %(when)s: random.Random(seed).shuffle over the entry ids "
                "in ascending order."
            )
            % {"seed": session.draw_seed, "when": moment(session.drawn_at)},
            small,
        ),
    ]
    order = [[_("#"), _("Starts"), _("Entry"), _("Team")]]
    for slot in session.slots.select_related("entry__team").order_by("position"):
        order.append(
            [
                slot.position,
                moment(slot.starts_at),
                para(slot.entry.title, small),
                para(team_of(slot.entry), small),
            ]
        )
    story += [Table(order, colWidths=[10 * mm, 35 * mm, 75 * mm, 55 * mm], style=grid)]

    story += [Spacer(1, 4 * mm), para(_("Score sheets"), h2)]
    for slot, sheets in session_sheets(session):
        story.append(
            para(
                _("#%(position)d %(title)s — %(team)s (opened %(opened)s, closed %(closed)s)")
                % {
                    "position": slot.position,
                    "title": slot.entry.title,
                    "team": team_of(slot.entry),
                    "opened": moment(slot.opened_at),
                    "closed": moment(slot.closed_at),
                }
            )
        )
        rows = [[_("Judge"), *[para(pick(c.name), small) for c in criteria], _("Total")]]
        for judge, review in sheets:
            rows.append(
                [para(judge.real_name or str(judge), small)]
                + [_number(review.scores.get(c.key)) for c in criteria]
                + [_number(review.total)]
            )
        if len(rows) == 1:
            rows.append([_("No submitted sheet")] + [""] * (len(criteria) + 1))
        story += [Table(rows, repeatRows=1, style=grid), Spacer(1, 3 * mm)]

    story += [para(_("Ranking"), h2), para(str(TIE_BREAK_RULE), small)]
    key = key_criterion(round_)
    ranking = [
        [
            _("Rank"),
            _("Entry"),
            _("Team"),
            _("Mean"),
            _("Median"),
            pick(key.name) if key else "—",
            _("Sheets"),
        ]
    ]
    for row in session_ranking(session):
        key_mean = sum(row.key_scores) / len(row.key_scores) if row.key_scores else None
        ranking.append(
            [
                row.rank or "—",
                para(row.entry.title, small),
                para(team_of(row.entry), small),
                _number(row.mean),
                _number(row.median),
                _number(key_mean),
                len(row.totals),
            ]
        )
    story += [Table(ranking, repeatRows=1, style=grid), Spacer(1, 4 * mm)]
    ratifier = session.ratified_by
    story += [
        para(_("Ratification"), h2),
        para(
            _("Ratified by %(name)s (%(email)s) for the jury presidium on %(when)s.")
            % {
                "name": (ratifier.real_name or str(ratifier)) if ratifier else "—",
                "email": ratifier.email if ratifier else "—",
                "when": moment(session.ratified_at),
            }
            if ratifier
            else _("Not ratified.")
        ),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"aileague pitch session {session.pk} score sheets",
        author="aileague",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    ).build(story)
    return buffer.getvalue()


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{float(value):.2f}"

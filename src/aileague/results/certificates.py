"""Certificates as PDF (reportlab), in the reader's language, with a verification link.

Chinese text is set in Adobe's STSong-Light CID font, which every PDF reader has: nothing is
embedded, the file stays small, and team names in Chinese render everywhere.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from aileague.common.i18n import pick
from aileague.results.models import Certificate

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"


def _register_cjk() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _needs_cjk(text: str) -> bool:
    # Helvetica covers Latin-1 and a little more; anything beyond goes to the CID font.
    return any(ord(ch) > 0x24F for ch in text)


def verification_url(certificate: Certificate) -> str:
    path = reverse("results:verify", kwargs={"serial": certificate.serial})
    return settings.SITE_URL.rstrip("/") + path


def certificate_lines(certificate: Certificate) -> list[tuple[str, int, bool]]:
    """``(text, size, bold)`` from top to bottom: what the certificate says."""
    stage = certificate.stage
    scenario = stage.scenario
    lines = [
        (_("Certificate"), 30, True),
        (_("This certifies that the team"), 14, False),
        (certificate.team.name, 26, True),
        (
            _("took part in %(scenario)s, %(stage)s, track %(track)s")
            % {
                "scenario": pick(scenario.title) or scenario.slug,
                "stage": pick(stage.name) or stage.slug,
                "track": pick(scenario.track.name) or scenario.track.slug,
            },
            13,
            False,
        ),
    ]
    if certificate.rank:
        lines.append((_("Rank %(rank)s in the track") % {"rank": certificate.rank}, 18, True))
    if certificate.advanced:
        lines.append((_("Advanced to the next stage"), 16, True))
    issued = timezone.localtime(certificate.issued_at or timezone.now()).date()
    lines.append((_("Issued on %(date)s") % {"date": formats.date_format(issued)}, 12, False))
    return lines


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a one-page landscape A4 PDF."""
    _register_cjk()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(_("Certificate %(serial)s") % {"serial": certificate.serial})
    pdf.setLineWidth(3)
    pdf.rect(28, 28, width - 56, height - 56)
    y = height - 110
    for text, size, bold in certificate_lines(certificate):
        font = CJK_FONT if _needs_cjk(text) else (LATIN_BOLD if bold else LATIN_FONT)
        pdf.setFont(font, size)
        pdf.drawCentredString(width / 2, y, text)
        y -= size * 2.1
    url = verification_url(certificate)
    footer = [
        _("Serial number: %(serial)s") % {"serial": certificate.serial},
        _("Verify this certificate at %(url)s") % {"url": url},
    ]
    for i, text in enumerate(footer):
        pdf.setFont(CJK_FONT if _needs_cjk(text) else LATIN_FONT, 10)
        pdf.drawString(60, 80 - i * 16, text)
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(90, 90, transform=[90 / (x1 - x0), 0, 0, 90 / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 150, 50)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

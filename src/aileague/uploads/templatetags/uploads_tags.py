"""Template tags for pages that upload files in chunks."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def chunked_upload_threshold() -> int:
    """Files larger than this many bytes go up in chunks (static/aileague/uploads.js)."""
    return settings.AILEAGUE_CHUNKED_UPLOAD_THRESHOLD_BYTES

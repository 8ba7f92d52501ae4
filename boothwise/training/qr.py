"""QR codes for printed invitations: the desk URL with the invitation code, as SVG."""

from __future__ import annotations

import segno


def qr_svg(text: str) -> str:
    """A `data:` URI of an SVG QR code for `text` (medium error correction, so a
    creased or smudged invitation still scans)."""
    code = segno.make(text, error="m", micro=False)
    return str(code.svg_data_uri(scale=4, border=2, dark="#000", light="#fff"))

"""HTML → PDF for printable lists, invitations and reports, with Devanagari shaped.

WeasyPrint lays the page out with Pango and HarfBuzz, which shape complex scripts:
conjuncts (प्र, क्ष, श्र) and matras come out as the font's glyphs, not as broken
sequences or boxes. The font is the project's vendored Noto Sans Devanagari (woff2, in
static/vendor/fonts), declared here for every document, so a PDF looks the same on every
machine; `fonts-noto-core`, when installed, is only a fallback.

Documents may load nothing from the network: the URL fetcher accepts `data:` URIs (QR
codes, inline images) and files inside the static folders, and refuses everything else.

    pdf = render_pdf("training/invitation_pdf.html", {"invitation": invitation})
    return pdf_response(pdf, "invitation.pdf")
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

FONT_FAMILY = "Noto Sans Devanagari"
LATIN_FAMILY = "Noto Sans Devanagari Latin"
DEVANAGARI_RANGE = (
    "U+0900-097F, U+1CD0-1CF9, U+200C-200D, U+20A8, U+20B9, U+25CC, U+A830-A839, "
    "U+A8E0-A8FF"
)
LATIN_RANGE = (
    "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
    "U+2000-206F, U+2074, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, "
    "U+FFFD"
)
# Vendored faces: (family, file in static/vendor/fonts, weight, unicode-range). The two
# subsets get two family names on purpose: WeasyPrint embeds one PDF font per family
# and weight, and two files under one name would share glyph ids and print garbage.
FONT_FACES: tuple[tuple[str, str, int, str], ...] = (
    (
        FONT_FAMILY,
        "noto-sans-devanagari-devanagari-400-normal.woff2",
        400,
        DEVANAGARI_RANGE,
    ),
    (
        FONT_FAMILY,
        "noto-sans-devanagari-devanagari-700-normal.woff2",
        700,
        DEVANAGARI_RANGE,
    ),
    (LATIN_FAMILY, "noto-sans-devanagari-latin-400-normal.woff2", 400, LATIN_RANGE),
    (LATIN_FAMILY, "noto-sans-devanagari-latin-700-normal.woff2", 700, LATIN_RANGE),
)

# %(family)s is filled in; literal percent signs are doubled.
BASE_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm; }
html { font-family: "%(family)s", "%(latin)s", "Noto Sans", sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; }
table { width: 100%%; border-collapse: collapse; }
th, td { border: 0.6pt solid #999; padding: 1.2mm 1.8mm; text-align: left;
         vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
"""


class PdfError(Exception):
    """The document could not be rendered."""


def font_path(filename: str) -> Path:
    found = finders.find(f"vendor/fonts/{filename}")
    if not found:
        raise PdfError(f"Vendored font missing: static/vendor/fonts/{filename}")
    return Path(str(found))


def _fonts_cache() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "fonts"


@functools.cache
def font_file(filename: str) -> Path:
    """The vendored woff2 face decompressed to TrueType, once per installation.

    WeasyPrint reads woff2 through fontTools' pure-Python Brotli path, which costs about
    half a second per face on every document; a TrueType copy loads at once.
    """
    from fontTools.ttLib import woff2  # type: ignore[import-untyped]

    source = font_path(filename)
    target = _fonts_cache() / (source.stem + ".ttf")
    if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        with source.open("rb") as woff, partial.open("wb") as ttf:
            woff2.decompress(woff, ttf)
        partial.replace(target)
    return target


def font_css() -> str:
    """@font-face rules for the vendored Noto Sans Devanagari, by absolute file URL."""
    rules = []
    for family, filename, weight, unicode_range in FONT_FACES:
        url = font_file(filename).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'font-style: normal; src: url("{url}") format("truetype"); '
            f"unicode-range: {unicode_range}; }}"
        )
    return "\n".join(rules)


def _allowed_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    roots.append(_fonts_cache().resolve())
    if getattr(settings, "STATIC_ROOT", None) is not None:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    roots = _allowed_roots()

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """`data:` URIs and files under the static folders; nothing else, ever."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0][len("file:") :])).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"File outside the static folders: {url}")
            elif scheme != "data":
                raise ValueError(f"Documents load nothing from the network: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def html_to_pdf(html: str, *, extra_css: str = "") -> bytes:
    """Render a whole HTML document to PDF bytes with the project's fonts."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    fonts = FontConfiguration()
    fetcher = _url_fetcher()
    stylesheets = [
        CSS(
            string=font_css()
            + BASE_CSS % {"family": FONT_FAMILY, "latin": LATIN_FAMILY}
            + extra_css,
            font_config=fonts,
            url_fetcher=fetcher,
        )
    ]
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=fonts)
    if not isinstance(pdf, bytes):
        raise PdfError("The PDF renderer returned nothing.")
    return pdf


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    request: HttpRequest | None = None,
    language: str = "hi",
) -> bytes:
    """Render a template to PDF in `language` (Hindi unless told otherwise): printed
    papers go to the cadre, whatever language the organiser's screen is in."""
    with translation.override(language):
        html = render_to_string(template_name, context, request=request)
        return html_to_pdf(html)


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_words(text: str) -> str:
    """Text extracted from one of our PDFs, made comparable with the source text.

    WeasyPrint maps each glyph back to the text of the first cluster it was drawn in,
    so the pre-base vowel sign ि (drawn before its consonant) comes back misplaced or
    doubled when a consonant first appeared with it ("निमंत्रण" … "चेतनि"). The page
    itself is right; only copy-and-paste suffers. Tests compare text with that one
    sign removed on both sides; every other letter, matra and conjunct must match.
    """
    return text.replace("\u093f", "")

"""The shared HTML → PDF renderer shapes Devanagari and loads nothing from outside."""

from __future__ import annotations

import io
from typing import Any

from django.test import SimpleTestCase
from pypdf import PdfReader

from boothwise.core.pdf import (
    FONT_FAMILY,
    _url_fetcher,
    html_to_pdf,
    pdf_response,
    render_pdf,
)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


HINDI = """<!doctype html><html lang="hi"><body>
<h1>प्रशिक्षण कार्यक्रम</h1>
<p>श्रीमती सुनीता देवी, बूथ अध्यक्ष, क्षेत्र 101</p>
<p><b>BLA-2 बीएलए-2</b> Booth 100/19A</p>
</body></html>"""


class DevanagariPdfTests(SimpleTestCase):
    def test_conjuncts_and_matras_round_trip_through_the_pdf(self):
        with self.assertNoLogs("weasyprint", level="WARNING"):
            pdf = html_to_pdf(HINDI)
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = text_of(pdf)
        # प्र and क्ष are conjuncts; ि is written before its consonant; श्री is a
        # conjunct with a long matra. Broken shaping or missing glyphs lose these.
        for word in ("प्रशिक्षण", "श्रीमती", "सुनीता", "अध्यक्ष", "क्षेत्र"):
            with self.subTest(word=word):
                self.assertIn(word, text)

    def test_latin_and_devanagari_faces_do_not_share_glyphs(self):
        # Both vendored subsets are "Noto Sans Devanagari"; embedded under one name
        # they would share glyph ids and Latin letters would print as Devanagari.
        pdf = html_to_pdf(HINDI)
        text = text_of(pdf)
        self.assertIn("BLA-2 बीएलए-2", text)
        self.assertIn("Booth 100/19A", text)
        names = font_names(pdf)
        self.assertIn(FONT_FAMILY.replace(" ", "-"), names)
        self.assertIn(FONT_FAMILY.replace(" ", "-") + "-Bold", names)
        self.assertTrue(any("Latin" in name for name in names), names)

    def test_templates_render_in_hindi_by_default(self):
        pdf = render_pdf("404.html", {"request_path": "/x"})
        self.assertTrue(pdf.startswith(b"%PDF-"))

    def test_response_is_an_uncached_pdf(self):
        response = pdf_response(b"%PDF-1.7", "coverage.pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"], 'inline; filename="coverage.pdf"'
        )
        self.assertEqual(response["Cache-Control"], "private, no-store")
        download = pdf_response(b"%PDF-1.7", "x.pdf", download=True)
        self.assertTrue(download["Content-Disposition"].startswith("attachment"))


class LocalOnlyTests(SimpleTestCase):
    def test_network_and_files_outside_static_are_refused(self):
        fetcher = _url_fetcher()
        for url in (
            "http://127.0.0.1:9/logo.png",
            "https://example.org/font.woff2",
            "ftp://example.org/x",
            "file:///etc/passwd",
        ):
            with self.subTest(url=url), self.assertRaises(ValueError):
                fetcher.fetch(url)

    def test_data_uris_and_vendored_files_are_allowed(self):
        fetcher = _url_fetcher()
        response = fetcher.fetch("data:text/plain,hello")
        self.assertEqual(response.read(), b"hello")

    def test_a_document_pointing_outside_still_renders_without_it(self):
        html = '<p>बूथ</p><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">'
        with self.assertLogs("weasyprint", level="ERROR") as logs:
            pdf = html_to_pdf(html)
        self.assertIn("बूथ", text_of(pdf))
        self.assertTrue(
            all(
                "nothing from the network" in line or "outside the static" in line
                for line in logs.output
                if "Failed to load" in line
            )
        )

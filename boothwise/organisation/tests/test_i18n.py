"""Every organisation and geography page renders in Hindi (the default) and English."""

from __future__ import annotations

from django.urls import reverse

from boothwise.organisation.tests.helpers import PagesTestCase


class HindiSmokeTests(PagesTestCase):
    def urls(self):
        w = self.w
        appoint = reverse("organisation:post-appoint")
        return [
            reverse("organisation:home"),
            reverse("organisation:unit-list"),
            reverse("organisation:unit-detail", args=[w.ajmer_city.pk]),
            reverse("organisation:booth-detail", args=[w.booth_100_1.pk]),
            reverse("organisation:person-list") + "?q=चेतन",
            reverse("organisation:person-detail", args=[w.chetan_post.person_id]),
            f"{appoint}?unit={w.booth_100_1.pk}",
            f"{appoint}?part={w.booth_100_1.part_id}",
            f"{appoint}?ac={w.ac100.pk}",
            reverse("organisation:post-relieve", args=[w.chetan_post.pk]),
            reverse("organisation:audit"),
            reverse("geography:state-list"),
            reverse("geography:state-detail", args=[w.rajasthan.pk]),
            reverse("geography:pc-detail", args=[w.ac100.pc_id]),
            reverse("geography:ac-detail", args=[w.ac100.pk]),
        ]

    def test_every_page_renders_in_hindi_by_header_cookie_and_default(self):
        self.client.force_login(self.w.asha)
        for how in ("header", "cookie", "default"):
            self.client.cookies.pop("django_language", None)
            headers = {}
            if how == "header":
                headers["Accept-Language"] = "hi"
            if how == "cookie":
                self.client.cookies["django_language"] = "hi"
            for url in self.urls():
                with self.subTest(how=how, url=url):
                    response = self.client.get(url, headers=headers)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, '<html lang="hi">')
                    # The navigation is translated, not merely tagged as Hindi.
                    self.assertContains(response, "संगठन")
                    self.assertNotContains(response, ">Organisation<")

    def test_every_page_renders_in_english_too(self):
        self.client.force_login(self.w.asha)
        self.client.cookies["django_language"] = "en"
        for url in self.urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, '<html lang="en">')

    def test_the_empty_home_renders_in_hindi(self):
        self.hindi_by_default()
        self.client.force_login(self.w.nobody)
        response = self.client.get(
            reverse("organisation:home"), headers={"Accept-Language": "hi"}
        )
        self.assertEqual(response.status_code, 200)

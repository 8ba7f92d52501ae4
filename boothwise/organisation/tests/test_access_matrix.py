"""Who gets which organisation page: every view against every persona.

404 means "not in your area", exactly as for a missing id; 403 means the place is in
the viewer's area but their post is too junior for what the page does.
"""

from __future__ import annotations

from django.urls import reverse

from boothwise.organisation.tests.helpers import PagesTestCase, assert_matrix, expect

AJMER_100_1 = {"asha", "dev", "arun", "bina", "chetan", "pooja"}


class OrganisationAccessMatrixTests(PagesTestCase):
    def check(self, url, expected):
        assert_matrix(self, self.personas(), url, expected)

    def test_lists_and_home_open_to_every_signed_in_persona(self):
        for name in ("home", "unit-list", "person-list", "audit"):
            self.check(reverse(f"organisation:{name}"), expect(200))

    def test_unit_detail_of_ajmer_city(self):
        url = reverse("organisation:unit-detail", args=[self.w.ajmer_city.pk])
        self.check(url, expect(404, asha=200, dev=200))

    def test_unit_detail_of_block_north(self):
        url = reverse("organisation:unit-detail", args=[self.w.block_north.pk])
        self.check(url, expect(404, asha=200, dev=200, bina=200))

    def test_unit_detail_of_jaipur(self):
        url = reverse("organisation:unit-detail", args=[self.w.jaipur.pk])
        self.check(url, expect(404, asha=200, zoya=200))

    def test_unit_detail_of_a_booth_redirects_those_who_see_it(self):
        url = reverse("organisation:unit-detail", args=[self.w.booth_100_1.pk])
        self.check(url, expect(404, **dict.fromkeys(AJMER_100_1, 302)))

    def test_missing_unit_is_404_for_everyone(self):
        self.check(reverse("organisation:unit-detail", args=[999999]), expect(404))

    def test_booth_detail_of_booth_100_1(self):
        url = reverse("organisation:booth-detail", args=[self.w.booth_100_1.pk])
        self.check(url, expect(404, **dict.fromkeys(AJMER_100_1, 200)))

    def test_booth_detail_of_booth_101_1(self):
        url = reverse("organisation:booth-detail", args=[self.w.booth_101_1.pk])
        self.check(url, expect(404, asha=200, dev=200))

    def test_booth_detail_of_booth_50_1(self):
        url = reverse("organisation:booth-detail", args=[self.w.booth_50_1.pk])
        self.check(url, expect(404, asha=200, zoya=200))

    def test_booth_detail_of_a_unit_that_is_not_a_booth(self):
        url = reverse("organisation:booth-detail", args=[self.w.block_north.pk])
        self.check(url, expect(404))

    def test_person_detail_of_chetan(self):
        url = reverse("organisation:person-detail", args=[self.w.chetan_post.person_id])
        self.check(url, expect(404, **dict.fromkeys(AJMER_100_1, 200)))

    def test_person_detail_of_dev(self):
        url = reverse("organisation:person-detail", args=[self.w.dev.person.pk])
        self.check(url, expect(404, asha=200, dev=200))

    def test_person_detail_of_zoya(self):
        url = reverse("organisation:person-detail", args=[self.w.zoya.person.pk])
        self.check(url, expect(404, asha=200, zoya=200))

    def test_appoint_at_booth_100_1(self):
        url = reverse("organisation:post-appoint") + f"?unit={self.w.booth_100_1.pk}"
        self.check(url, expect(404, asha=200, dev=200, arun=200, bina=200, chetan=200))

    def test_appoint_at_ajmer_city(self):
        url = reverse("organisation:post-appoint") + f"?unit={self.w.ajmer_city.pk}"
        self.check(url, expect(404, asha=200, dev=200))

    def test_appoint_at_a_page_of_part_100_1(self):
        url = reverse("organisation:post-appoint") + (
            f"?part={self.w.booth_100_1.part_id}"
        )
        self.check(url, expect(404, asha=200, dev=200, arun=200, bina=200, chetan=200))

    def test_appoint_at_ac_100_needs_a_post_senior_to_an_mla(self):
        url = reverse("organisation:post-appoint") + f"?ac={self.w.ac100.pk}"
        self.check(url, expect(404, asha=200, dev=200, arun=200, bina=403, chetan=403))

    def test_appoint_without_a_place_is_404(self):
        url = reverse("organisation:post-appoint")
        self.check(url, expect(404))
        both = f"{url}?unit={self.w.booth_100_1.pk}&ac={self.w.ac100.pk}"
        self.check(both, expect(404))

    def test_relieve_chetan(self):
        url = reverse("organisation:post-relieve", args=[self.w.chetan_post.pk])
        self.check(url, expect(404, asha=200, dev=200, arun=200, bina=200, chetan=403))

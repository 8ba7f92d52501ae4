"""The electoral view: state → PC → AC → part, each within the viewer's scope."""

from __future__ import annotations

from django.urls import reverse

from boothwise.geography.models import Part
from boothwise.organisation.tests.helpers import PagesTestCase, assert_matrix, expect

AJMER_100 = {"asha", "dev", "arun", "bina", "chetan", "pooja"}


class GeographyAccessMatrixTests(PagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A polling station of AC 100 where the party has no booth unit yet.
        cls.bare_part = Part.objects.create(
            ac=cls.w.ac100, number="7", name="Panchayat Bhawan"
        )

    def check(self, url, expected):
        assert_matrix(self, self.personas(), url, expected)

    def test_state_list(self):
        self.check(reverse("geography:state-list"), expect(200))

    def test_state_detail_of_rajasthan(self):
        url = reverse("geography:state-detail", args=[self.w.rajasthan.pk])
        self.check(url, expect(200, nobody=404))

    def test_state_with_nothing_in_scope_is_404(self):
        url = reverse("geography:state-detail", args=[self.w.ac100.state_id + 1])
        self.check(url, expect(404))

    def test_pc_detail_of_ajmer(self):
        url = reverse("geography:pc-detail", args=[self.w.ac100.pc_id])
        self.check(url, expect(404, **dict.fromkeys(AJMER_100, 200)))

    def test_pc_detail_of_jaipur(self):
        url = reverse("geography:pc-detail", args=[self.w.ac50.pc_id])
        self.check(url, expect(404, asha=200, zoya=200))

    def test_ac_detail_of_ac_100(self):
        url = reverse("geography:ac-detail", args=[self.w.ac100.pk])
        self.check(url, expect(404, **dict.fromkeys(AJMER_100, 200)))

    def test_ac_detail_of_ac_101(self):
        url = reverse("geography:ac-detail", args=[self.w.ac101.pk])
        self.check(url, expect(404, asha=200, dev=200))

    def test_part_with_a_booth_redirects_to_the_booth(self):
        url = reverse("geography:part-detail", args=[self.w.booth_100_1.part_id])
        self.check(url, expect(404, **dict.fromkeys(AJMER_100, 302)))

    def test_part_without_a_booth_is_seen_by_the_ac_incharge(self):
        url = reverse("geography:part-detail", args=[self.bare_part.pk])
        self.check(url, expect(404, arun=200))


class GeographyPagesTests(PagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.bare_part = Part.objects.create(
            ac=cls.w.ac100, number="7", name="Panchayat Bhawan"
        )

    def test_state_list_shows_states_with_acs_in_scope(self):
        self.client.force_login(self.w.dev)
        response = self.client.get(reverse("geography:state-list"))
        states = list(response.context["states"])
        self.assertEqual([(s.abbr, s.n_acs) for s in states], [("RJ", 2)])

    def test_zoya_sees_only_jaipur_in_rajasthan(self):
        self.client.force_login(self.w.zoya)
        response = self.client.get(
            reverse("geography:state-detail", args=[self.w.rajasthan.pk])
        )
        self.assertEqual([pc.pk for pc in response.context["pcs"]], [self.w.ac50.pc_id])
        self.assertNotContains(response, "Ajmer")

    def test_pc_page_lists_acs_in_scope_with_part_counts(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(
            reverse("geography:pc-detail", args=[self.w.ac100.pc_id])
        )
        acs = list(response.context["acs"])
        self.assertEqual([(ac.number, ac.n_parts) for ac in acs], [(100, 2)])
        self.client.force_login(self.w.dev)
        response = self.client.get(
            reverse("geography:pc-detail", args=[self.w.ac100.pc_id])
        )
        self.assertEqual(
            [(ac.number, ac.n_parts) for ac in response.context["acs"]],
            [(100, 3), (101, 1)],
        )

    def test_ac_page_links_parts_to_their_booths_in_fixed_queries(self):
        w = self.w
        self.client.force_login(w.arun)
        url = reverse("geography:ac-detail", args=[w.ac100.pk])
        with self.assertNumQueries(5):
            response = self.client.get(url)
        self.assertEqual(
            [p.number for p in response.context["parts"]], ["1", "2", "7", "19A"]
        )
        self.assertContains(
            response, reverse("organisation:booth-detail", args=[w.booth_100_3.pk])
        )
        self.assertContains(
            response, reverse("geography:part-detail", args=[self.bare_part.pk])
        )
        self.assertContains(response, "Ajmer South 2")
        for i in range(10, 20):
            Part.objects.create(ac=w.ac100, number=str(i), name=f"School {i}")
        with self.assertNumQueries(5):
            self.client.get(url)

    def test_list_pages_have_fixed_query_counts(self):
        w = self.w
        self.client.force_login(w.asha)
        for url, queries in [
            (reverse("geography:state-list"), 4),
            (reverse("geography:state-detail", args=[w.rajasthan.pk]), 5),
            (reverse("geography:pc-detail", args=[w.ac100.pc_id]), 5),
        ]:
            with self.subTest(url=url), self.assertNumQueries(queries):
                self.client.get(url)

    def test_part_page_links_to_openstreetmap_only(self):
        self.bare_part.latitude = "26.5"
        self.bare_part.longitude = "74.6"
        self.bare_part.save()
        self.client.force_login(self.w.arun)
        response = self.client.get(
            reverse("geography:part-detail", args=[self.bare_part.pk])
        )
        self.assertContains(
            response, "https://www.openstreetmap.org/?mlat=26.5&amp;mlon=74.6"
        )
        self.assertNotContains(response, "<iframe")

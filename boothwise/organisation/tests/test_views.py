"""What the organisation pages show, to whom, and in how many queries."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from boothwise.organisation.models import Person, PostType, Unit
from boothwise.organisation.selectors import (
    committee_counts,
    committee_counts_by_unit,
)
from boothwise.organisation.services import (
    person_create,
    person_phone_set,
    post_appoint,
)
from boothwise.organisation.tests.helpers import PagesTestCase


def fill_committee(booth: Unit, *, members: int = 6, president: bool = True) -> None:
    """Give `booth` its office-bearers (the president too, unless told) and members."""
    offices = [PostType.BLA2, PostType.BOOTH_YOUTH, PostType.BOOTH_WOMAN]
    if president:
        offices.insert(0, PostType.BOOTH_PRESIDENT)
    types = offices + [PostType.BOOTH_MEMBER] * members
    for i, post_type in enumerate(types):
        person = person_create(by=None, name=f"कार्यकर्ता {booth.pk}-{i}", unit=booth)
        post_appoint(
            by=None,
            person=person,
            post_type=post_type,
            unit=booth,
            start_date=timezone.localdate(),
        )


class HomeTests(PagesTestCase):
    url = reverse("organisation:home")

    def test_a_user_with_no_post_gets_a_friendly_empty_state(self):
        self.client.force_login(self.w.nobody)
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "You hold no post yet; ask your block or city president to appoint you.",
        )
        self.assertNotContains(response, "Ajmer")

    def test_block_president_sees_her_booths_and_posts(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(self.url)
        stats = response.context["stats"]
        self.assertEqual(stats.committees.booths, 2)
        self.assertEqual(stats.committees.complete, 0)
        self.assertEqual(stats.committees.incomplete, 2)
        # Booth 100/1 has its president: 9 + 10 empty slots.
        self.assertEqual(stats.committees.vacancies, 19)
        self.assertEqual(list(response.context["top_units"]), [self.w.block_north])
        self.assertEqual(
            [b.name for b in response.context["weakest"]],
            ["Booth 100/2", "Booth 100/1"],
        )
        self.assertContains(response, "Block president")
        self.assertContains(
            response, reverse("organisation:unit-detail", args=[self.w.block_north.pk])
        )

    def test_zoya_sees_nothing_of_ajmer(self):
        self.client.force_login(self.w.zoya)
        response = self.client.get(self.url)
        self.assertContains(response, "Jaipur")
        self.assertNotContains(response, "Ajmer")
        self.assertEqual(response.context["stats"].committees.booths, 1)

    def test_ac_incharge_tops_are_the_booths_of_the_ac(self):
        self.client.force_login(self.w.arun)
        response = self.client.get(self.url)
        self.assertEqual(
            {u.name for u in response.context["top_units"]},
            {"Booth 100/1", "Booth 100/2", "Booth 100/3"},
        )

    def test_home_query_count_is_fixed(self):
        self.client.force_login(self.w.asha)
        with self.assertNumQueries(10):
            self.client.get(self.url)
        fill_committee(self.w.booth_100_2)
        with self.assertNumQueries(10):
            response = self.client.get(self.url)
        self.assertEqual(response.context["stats"].committees.complete, 1)


class CommitteeCountTests(PagesTestCase):
    def test_a_full_committee_is_complete_and_extra_members_are_not_negative(self):
        fill_committee(self.w.booth_100_2, members=7)
        counts = committee_counts(Unit.objects.filter(pk=self.w.booth_100_2.pk))
        self.assertEqual((counts.booths, counts.complete, counts.vacancies), (1, 1, 0))

    def test_counts_roll_up_to_each_unit(self):
        w = self.w
        fill_committee(w.booth_100_2, members=3)
        counts = committee_counts_by_unit([w.block_north, w.block_south, w.jaipur])
        north = counts[w.block_north.pk]
        self.assertEqual((north.booths, north.complete, north.vacancies), (2, 0, 12))
        self.assertEqual(counts[w.block_south.pk].vacancies, 20)
        self.assertEqual(counts[w.jaipur.pk].booths, 1)

    def test_a_relieved_post_is_a_vacancy_again(self):
        w = self.w
        w.chetan_post.end_date = timezone.localdate()
        w.chetan_post.save(update_fields=["end_date"])
        counts = committee_counts(Unit.objects.filter(pk=w.booth_100_1.pk))
        self.assertEqual(counts.vacancies, 10)


class UnitPagesTests(PagesTestCase):
    def test_unit_list_shows_the_outermost_units_in_scope(self):
        self.client.force_login(self.w.dev)
        response = self.client.get(reverse("organisation:unit-list"))
        self.assertEqual([u for u, _ in response.context["rows"]], [self.w.ajmer_city])
        self.assertNotContains(response, "Jaipur")

    def test_unit_list_query_count_is_fixed(self):
        self.client.force_login(self.w.arun)
        with self.assertNumQueries(6):
            response = self.client.get(reverse("organisation:unit-list"))
        self.assertEqual(len(response.context["rows"]), 3)

    def test_unit_detail_lists_children_with_counts_and_office_bearers(self):
        self.client.force_login(self.w.dev)
        url = reverse("organisation:unit-detail", args=[self.w.ajmer_city.pk])
        with self.assertNumQueries(9):
            response = self.client.get(url)
        rows = {unit.name: counts for unit, counts in response.context["rows"]}
        self.assertEqual(set(rows), {"Ajmer North 1", "Ajmer South 2"})
        self.assertEqual(rows["Ajmer South 2"].booths, 2)
        self.assertContains(response, "देव मीणा")
        self.assertContains(response, f"?unit={self.w.ajmer_city.pk}")

    def test_breadcrumb_links_only_the_ancestors_in_scope(self):
        w = self.w
        self.client.force_login(w.bina)
        response = self.client.get(
            reverse("organisation:booth-detail", args=[w.booth_100_1.pk])
        )
        crumbs = response.context["crumbs"]
        self.assertEqual(
            [(c.unit.name, c.in_scope) for c in crumbs],
            [
                ("Rajasthan", False),
                ("Ajmer", False),
                ("Ajmer city", False),
                ("Ajmer North 1", True),
            ],
        )
        self.assertNotContains(
            response, reverse("organisation:unit-detail", args=[w.ajmer_city.pk])
        )
        self.assertContains(
            response, reverse("organisation:unit-detail", args=[w.block_north.pk])
        )


class BoothPageTests(PagesTestCase):
    def url(self):
        return reverse("organisation:booth-detail", args=[self.w.booth_100_1.pk])

    def test_booth_page_shows_station_committee_pages_and_a_map_link(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(self.url())
        self.assertContains(response, "Govt School Makarwali")
        self.assertContains(response, "100 Ajmer North")
        self.assertContains(response, "13 Ajmer")
        self.assertContains(
            response,
            "https://www.openstreetmap.org/?mlat=26.45&amp;mlon=74.64#map=17/26.45/74.64",
        )
        self.assertNotContains(response, "<iframe")
        self.assertContains(response, "चेतन सांखला")
        self.assertContains(response, "पूजा रावत")
        committee = response.context["committee"]
        self.assertEqual(committee.vacancies, 9)
        self.assertEqual(len(committee.members), 6)
        self.assertContains(response, "post_type=bla2")

    def test_page_incharge_sees_the_booth_but_no_appoint_links(self):
        self.client.force_login(self.w.pooja)
        response = self.client.get(self.url())
        self.assertContains(response, "vacant")
        self.assertNotContains(response, reverse("organisation:post-appoint"))
        self.assertNotContains(response, "/relieve/")

    def test_booth_president_may_fill_slots_below_his_own(self):
        self.client.force_login(self.w.chetan)
        response = self.client.get(self.url())
        self.assertContains(response, "post_type=bla2")
        self.assertNotContains(response, "post_type=booth_president")
        self.assertNotContains(
            response,
            reverse("organisation:post-relieve", args=[self.w.chetan_post.pk]),
        )

    def test_booth_page_query_count_is_fixed(self):
        self.client.force_login(self.w.bina)
        with self.assertNumQueries(9):
            self.client.get(self.url())
        fill_committee(self.w.booth_100_1, president=False)
        with self.assertNumQueries(9):
            self.client.get(self.url())


class PersonPagesTests(PagesTestCase):
    url = reverse("organisation:person-list")

    def test_search_by_latin_or_devanagari_name(self):
        self.client.force_login(self.w.bina)
        for query in ("chetan", "CHETAN", "चेतन"):
            with self.subTest(query=query):
                response = self.client.get(self.url, {"q": query})
                people = list(response.context["page"].object_list)
                self.assertEqual([p.name for p in people], ["चेतन सांखला"])

    def test_zoya_finds_no_one_in_ajmer(self):
        self.client.force_login(self.w.zoya)
        response = self.client.get(self.url, {"q": "chetan"})
        self.assertEqual(list(response.context["page"].object_list), [])
        response = self.client.get(self.url)
        names = {p.name for p in response.context["page"].object_list}
        self.assertEqual(names, {"ज़ोया ख़ान", "नरेश कुमार"})

    def test_htmx_search_renders_only_the_results(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(
            self.url, {"q": "pooja"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="results"')
        self.assertContains(response, "पूजा रावत")

    def test_people_are_paginated_fifty_to_a_page_in_fixed_queries(self):
        for i in range(60):
            person_create(by=None, name=f"सदस्य {i:02d}", unit=self.w.booth_100_2)
        self.client.force_login(self.w.bina)
        with self.assertNumQueries(5):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["page"].object_list), 50)
        response = self.client.get(self.url, {"page": 2})
        # 60 new members, and bina, chetan, pooja and arun (AC in-charge of her booths).
        self.assertEqual(len(response.context["page"].object_list), 14)

    def test_person_page_shows_posts_with_history(self):
        w = self.w
        self.client.force_login(w.bina)
        url = reverse("organisation:person-detail", args=[w.chetan_post.person_id])
        response = self.client.get(url)
        self.assertContains(response, "Chetan Sankhla")
        self.assertContains(response, "Booth president")
        self.assertContains(
            response, reverse("organisation:post-relieve", args=[w.chetan_post.pk])
        )
        self.assertContains(response, "No past posts.")

    def test_phone_is_shown_only_while_consent_stands(self):
        w = self.w
        person = Person.objects.get(pk=w.chetan_post.person_id)
        url = reverse("organisation:person-detail", args=[person.pk])
        self.client.force_login(w.bina)
        self.assertNotContains(self.client.get(url), "tel:")
        person_phone_set(
            by=w.asha, person=person, phone="9876543210", notice_version="1"
        )
        self.assertContains(self.client.get(url), "tel:9876543210")
        consent = person.phone_consent
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        self.assertNotContains(self.client.get(url), "9876543210")

"""Appointing through the HTML form: end to end, with every refusal on the form."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse
from django.utils import timezone

from boothwise.core.models import AuditEvent
from boothwise.organisation.models import Person, Post, PostType
from boothwise.organisation.services import person_create
from boothwise.organisation.tests.helpers import PagesTestCase


class PostAppointTests(PagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ramesh = person_create(
            by=None, name="रमेश वर्मा", name_en="Ramesh Verma", unit=cls.w.booth_100_1
        )

    def url(self, **place):
        key, value = next(iter(place.items()))
        return reverse("organisation:post-appoint") + f"?{key}={value}"

    def booth_url(self):
        return self.url(unit=self.w.booth_100_1.pk)

    def data(self, **extra):
        return {"start_date": timezone.localdate().isoformat(), **extra}

    def test_form_offers_people_of_the_booth_and_only_posts_she_may_appoint(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(self.booth_url())
        self.assertContains(response, "रमेश वर्मा")
        choices = [
            value for value, _ in response.context["form"].fields["post_type"].choices
        ]
        self.assertEqual(
            choices,
            [
                "booth_president",
                "bla2",
                "booth_youth",
                "booth_woman",
                "booth_member",
                "polling_agent",
            ],
        )
        self.assertEqual(
            response.context["form"]["start_date"].value(), timezone.localdate()
        )

    def test_search_finds_people_beyond_the_booth_but_within_scope(self):
        self.client.force_login(self.w.bina)
        response = self.client.get(self.booth_url() + "&q=bina")
        self.assertEqual(
            [p.name for p in response.context["candidates"]], ["बीना गहलोत"]
        )
        response = self.client.get(self.booth_url() + "&q=zoya")
        self.assertEqual(list(response.context["candidates"]), [])

    def test_block_president_appoints_a_bla2(self):
        w = self.w
        self.client.force_login(w.bina)
        response = self.client.post(
            self.booth_url(), self.data(person=self.ramesh.pk, post_type="bla2")
        )
        self.assertRedirects(
            response,
            reverse("organisation:booth-detail", args=[w.booth_100_1.pk]),
            fetch_redirect_response=False,
        )
        post = Post.objects.get(person=self.ramesh)
        self.assertEqual((post.post_type, post.unit), ("bla2", w.booth_100_1))
        self.assertEqual(post.appointed_by, w.bina)
        event = AuditEvent.objects.get(verb="post.appoint", object_id=str(post.pk))
        self.assertEqual(event.actor, w.bina)
        self.assertEqual(event.scope_path, w.booth_100_1.path)
        page = self.client.get(response["Location"])
        self.assertContains(page, "रमेश वर्मा is now BLA-2.")

    def test_an_occupied_single_holder_slot_is_refused_on_the_form(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(
            self.booth_url(),
            self.data(person=self.ramesh.pk, post_type="booth_president"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "This post is already filled here. Relieve the present holder first.",
        )
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())

    def test_a_page_overlapping_another_is_refused(self):
        w = self.w
        self.client.force_login(w.bina)
        response = self.client.post(
            self.url(part=w.booth_100_1.part_id),
            self.data(
                person=self.ramesh.pk,
                post_type="page_incharge",
                serial_from=20,
                serial_to=40,
            ),
        )
        self.assertContains(
            response, "These serial numbers overlap another page in-charge&#x27;s page."
        )
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())

    def test_a_free_page_is_appointed(self):
        w = self.w
        self.client.force_login(w.chetan)
        response = self.client.post(
            self.url(part=w.booth_100_1.part_id),
            self.data(
                person=self.ramesh.pk,
                post_type="page_incharge",
                serial_from=31,
                serial_to=60,
            ),
        )
        self.assertEqual(response.status_code, 302)
        post = Post.objects.get(person=self.ramesh)
        self.assertEqual(
            (post.part_id, post.serial_from, post.serial_to),
            (w.booth_100_1.part_id, 31, 60),
        )
        event = AuditEvent.objects.get(verb="post.appoint", object_id=str(post.pk))
        self.assertEqual(
            (event.part_id, event.ac_id), (w.booth_100_1.part_id, w.ac100.pk)
        )

    def test_a_page_needs_both_serial_numbers_in_order(self):
        w = self.w
        self.client.force_login(w.bina)
        url = self.url(part=w.booth_100_1.part_id)
        response = self.client.post(
            url,
            self.data(person=self.ramesh.pk, post_type="page_incharge", serial_from=5),
        )
        self.assertContains(response, "A page needs a first and a last serial number.")
        response = self.client.post(
            url,
            self.data(
                person=self.ramesh.pk,
                post_type="page_incharge",
                serial_from=50,
                serial_to=40,
            ),
        )
        self.assertContains(response, "The last serial number is before the first.")
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())

    def test_a_junior_cannot_appoint_a_senior_post(self):
        w = self.w
        self.client.force_login(w.chetan)
        response = self.client.post(
            self.booth_url(),
            self.data(person=self.ramesh.pk, post_type="booth_president"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("post_type"))
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())
        # A block president is in scope at the AC but too junior for its posts.
        self.client.force_login(w.bina)
        response = self.client.post(
            self.url(ac=w.ac100.pk), self.data(person=self.ramesh.pk, post_type="mla")
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())

    def test_a_refusal_by_the_service_is_shown_on_the_form(self):
        self.client.force_login(self.w.bina)
        with mock.patch(
            "boothwise.organisation.services.can_manage_post", return_value=False
        ):
            response = self.client.post(
                self.booth_url(), self.data(person=self.ramesh.pk, post_type="bla2")
            )
        self.assertContains(response, "You cannot appoint to this post here.")
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())

    def test_a_person_out_of_scope_cannot_be_chosen(self):
        w = self.w
        self.client.force_login(w.bina)
        response = self.client.post(
            self.booth_url(),
            self.data(person=w.zoya.person.pk, post_type="booth_member"),
        )
        self.assertTrue(response.context["form"].has_error("person"))
        self.assertEqual(Post.objects.filter(person=w.zoya.person).count(), 1)

    def test_zoya_cannot_post_to_an_ajmer_booth(self):
        self.client.force_login(self.w.zoya)
        response = self.client.post(
            self.booth_url(), self.data(person=self.ramesh.pk, post_type="bla2")
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Post.objects.filter(person=self.ramesh).exists())

    def test_register_a_new_person_and_appoint_in_one_go(self):
        w = self.w
        self.client.force_login(w.bina)
        response = self.client.post(
            self.booth_url(),
            self.data(
                new_name="सीमा देवी", new_name_en="Seema Devi", post_type="booth_woman"
            ),
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(name="सीमा देवी")
        self.assertEqual((person.name_en, person.unit), ("Seema Devi", w.booth_100_1))
        self.assertEqual(person.posts.get().post_type, PostType.BOOTH_WOMAN)
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="person.create", object_id=str(person.pk), actor=w.bina
            ).exists()
        )

    def test_a_failed_appointment_registers_no_one(self):
        self.client.force_login(self.w.bina)
        events = AuditEvent.objects.count()
        response = self.client.post(
            self.booth_url(),
            self.data(new_name="सीमा देवी", post_type="booth_president"),
        )
        self.assertContains(response, "This post is already filled here.")
        self.assertFalse(Person.objects.filter(name="सीमा देवी").exists())
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_form_needs_exactly_one_person(self):
        self.client.force_login(self.w.bina)
        response = self.client.post(self.booth_url(), self.data(post_type="bla2"))
        self.assertContains(response, "Choose a person or register a new one.")
        response = self.client.post(
            self.booth_url(),
            self.data(person=self.ramesh.pk, new_name="सीमा देवी", post_type="bla2"),
        )
        self.assertContains(
            response, "Choose a person or register a new one, not both."
        )
        response = self.client.post(
            self.booth_url(), self.data(new_name="Seema Devi", post_type="bla2")
        )
        self.assertContains(response, "Write the name in Devanagari.")
        self.assertEqual(Post.objects.filter(post_type="bla2").count(), 0)

    def test_a_whole_ac_post_has_no_new_person_fields(self):
        w = self.w
        self.client.force_login(w.arun)
        response = self.client.get(self.url(ac=w.ac100.pk))
        self.assertNotIn("new_name", response.context["form"].fields)
        response = self.client.post(
            self.url(ac=w.ac100.pk), self.data(person=self.ramesh.pk, post_type="mla")
        )
        self.assertRedirects(
            response, reverse("geography:ac-detail", args=[w.ac100.pk])
        )
        self.assertEqual(Post.objects.get(person=self.ramesh).ac, w.ac100)

"""Invitations by post and by name, answers, and withdrawing an invitation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from boothwise.core.models import AuditEvent
from boothwise.core.pdf import pdf_words
from boothwise.organisation.models import PostType
from boothwise.organisation.services import post_appoint
from boothwise.test import START
from boothwise.training import selectors, services
from boothwise.training.models import CODE_ALPHABET, Invitation
from boothwise.training.tests.helpers import TrainingTestCase

P = PostType


class InviteByPostTests(TrainingTestCase):
    def invite_by_post(self, user, workshop, within, post_types):
        posts = selectors.posts_for_invitation(
            user, within=within, post_types=post_types
        )
        return services.invitations_by_posts(by=user, workshop=workshop, posts=posts)

    def invited(self, workshop):
        return {i.person.name for i in workshop.invitations.select_related("person")}

    def test_booth_presidents_and_bla2s_of_the_city(self):
        report = self.invite_by_post(
            self.w.dev, self.city_ws, self.w.ajmer_city, [P.BOOTH_PRESIDENT, P.BLA2]
        )
        self.assertEqual(report.invited, 4)
        self.assertEqual(
            self.invited(self.city_ws),
            {"चेतन सांखला", "श्रीमती सुनीता देवी", "रमेश मीणा", "कमला देवी"},
        )
        chetan = self.city_ws.invitations.get(person__user=self.w.chetan)
        self.assertEqual(chetan.post, self.w.chetan_post)
        self.assertEqual(chetan.source, Invitation.Source.BY_POST)
        self.assertEqual(chetan.rsvp, Invitation.Rsvp.PENDING)
        self.assertEqual(len(chetan.code), 6)
        self.assertTrue(set(chetan.code) <= set(CODE_ALPHABET))

    def test_presidents_state_wide_include_another_district(self):
        self.invite_by_post(
            self.w.asha,
            self.state_ws,
            self.w.state,
            [P.DISTRICT_PRESIDENT, P.CITY_PRESIDENT, P.BLOCK_PRESIDENT, P.AC_INCHARGE],
        )
        self.assertEqual(
            self.invited(self.state_ws),
            {"देव मीणा", "बीना गहलोत", "ज़ोया ख़ान", "अरुण जैन"},
        )

    def test_an_organiser_invites_only_within_their_own_scope(self):
        # Bina runs block North 1; asking for the whole city gives her block only.
        block_ws = services.workshop_create(
            by=self.w.bina,
            title="उत्तर 1",
            level="block",
            unit=self.w.block_north,
            date=self.city_ws.date,
            venue="x",
            parent=self.city_ws,
        )
        self.invite_by_post(
            self.w.bina, block_ws, self.w.ajmer_city, [P.BOOTH_PRESIDENT, P.BLA2]
        )
        self.assertEqual(
            self.invited(block_ws),
            {"चेतन सांखला", "श्रीमती सुनीता देवी", "रमेश मीणा"},
        )

    def test_a_person_with_two_posts_is_invited_once_for_the_senior_one(self):
        chetan = self.person_of(self.w.chetan)
        post_appoint(
            by=None,
            person=chetan,
            post_type=P.PAGE_INCHARGE,
            part=self.w.booth_100_1.part,
            serial_from=31,
            serial_to=60,
            start_date=START,
        )
        self.invite_by_post(
            self.w.dev,
            self.city_ws,
            self.w.ajmer_city,
            [P.BOOTH_PRESIDENT, P.PAGE_INCHARGE],
        )
        invitation = self.city_ws.invitations.get(person=chetan)
        self.assertEqual(invitation.post.post_type, P.BOOTH_PRESIDENT)

    def test_inviting_again_changes_nothing_and_says_so(self):
        first = self.invite_by_post(
            self.w.dev, self.city_ws, self.w.ajmer_city, [P.BOOTH_PRESIDENT]
        )
        codes = set(self.city_ws.invitations.values_list("code", flat=True))
        again = self.invite_by_post(
            self.w.dev, self.city_ws, self.w.ajmer_city, [P.BOOTH_PRESIDENT, P.BLA2]
        )
        self.assertEqual((first.invited, first.already), (3, 0))
        self.assertEqual((again.invited, again.already), (1, 3))
        self.assertLessEqual(
            codes, set(self.city_ws.invitations.values_list("code", flat=True))
        )
        event = AuditEvent.objects.filter(verb="training.invite_by_post").first()
        self.assertEqual(event.data["invited"], 1)

    def test_relieved_holders_are_not_invited(self):
        services_post = self.post_of(self.ramesh)
        from boothwise.organisation.services import post_relieve

        post_relieve(
            by=self.w.dev, post=services_post, end_date=START, reason="moved away"
        )
        self.invite_by_post(
            self.w.dev, self.city_ws, self.w.ajmer_city, [P.BOOTH_PRESIDENT]
        )
        self.assertNotIn("रमेश मीणा", self.invited(self.city_ws))


class InvitationPageTests(TrainingTestCase):
    def test_organiser_invites_by_post_from_the_page(self):
        self.client.force_login(self.w.dev)
        url = reverse("training:invite-by-post", args=[self.city_ws.pk])
        response = self.client.post(
            url,
            {
                "post_types": ["booth_president", "bla2"],
                "within": self.w.block_north.pk,
            },
        )
        self.assertRedirects(
            response,
            reverse("training:invitation-list", args=[self.city_ws.pk]),
            fetch_redirect_response=False,
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, "3 people invited; 0 were already invited.")
        self.assertContains(page, "श्रीमती सुनीता देवी")
        self.assertNotContains(page, "कमला देवी")

    def test_within_must_be_a_unit_the_organiser_runs(self):
        self.client.force_login(self.w.dev)
        url = reverse("training:invite-by-post", args=[self.city_ws.pk])
        self.client.post(
            url, {"post_types": ["district_president"], "within": self.w.jaipur.pk}
        )
        self.assertFalse(self.city_ws.invitations.exists())

    def test_add_a_person_by_name_in_latin_letters(self):
        self.client.force_login(self.w.dev)
        url = reverse("training:invitation-add", args=[self.city_ws.pk])
        found = self.client.get(url, {"q": "kaml"})
        self.assertEqual([p.name for p in found.context["people"]], ["कमला देवी"])
        self.client.post(url, {"person": self.kamla.pk})
        invitation = self.city_ws.invitations.get(person=self.kamla)
        self.assertEqual(invitation.source, Invitation.Source.ADDED)
        # Zoya, from Jaipur, cannot be added to Ajmer's workshop by dev.
        zoya = self.person_of(self.w.zoya)
        self.assertEqual(self.client.post(url, {"person": zoya.pk}).status_code, 404)
        self.assertFalse(self.city_ws.invitations.filter(person=zoya).exists())

    def test_list_filters_by_answer_and_searches_names_and_codes(self):
        invitations = self.invite(self.city_ws, self.kamla, self.ramesh)
        services.rsvp_set(by=self.w.dev, invitation=invitations[0], rsvp="yes")
        self.client.force_login(self.w.dev)
        url = reverse("training:invitation-list", args=[self.city_ws.pk])
        yes = self.client.get(url, {"rsvp": "yes"})
        self.assertEqual(
            [i.person.name for i in yes.context["page"].object_list], ["कमला देवी"]
        )
        by_code = self.client.get(url, {"q": invitations[1].code.lower()})
        self.assertEqual(
            [i.person.name for i in by_code.context["page"].object_list], ["रमेश मीणा"]
        )
        partial = self.client.get(url, {"q": "Ramesh"}, headers={"HX-Request": "true"})
        self.assertNotContains(partial, "<html")
        self.assertContains(partial, "रमेश मीणा")

    def test_the_invitations_page_keeps_its_query_count(self):
        self.invite(self.city_ws, self.kamla, self.ramesh, self.sunita)
        self.client.force_login(self.w.dev)
        url = reverse("training:invitation-list", args=[self.city_ws.pk])
        self.client.get(url)
        with self.assertNumQueries(12):
            self.client.get(url)
        self.invite(self.city_ws, self.person_of(self.w.chetan))
        with self.assertNumQueries(12):
            self.client.get(url)


class RsvpTests(TrainingTestCase):
    def test_organiser_records_an_answer_in_place(self):
        [invitation] = self.invite(self.city_ws, self.kamla)
        self.client.force_login(self.w.dev)
        url = reverse("training:rsvp", args=[invitation.pk])
        response = self.client.post(
            url, {"rsvp": "maybe"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, f'id="rsvp-{invitation.pk}"')
        self.assertNotContains(response, "<html")
        invitation.refresh_from_db()
        self.assertEqual(invitation.rsvp, "maybe")
        self.assertEqual(invitation.rsvp_by, self.w.dev)

    def test_an_invitee_answers_for_themselves_and_no_one_else(self):
        mine, theirs = self.invite(
            self.state_ws, self.person_of(self.w.chetan), self.kamla
        )
        self.client.force_login(self.w.chetan)
        listing = self.client.get(reverse("training:workshop-list"))
        self.assertEqual(list(listing.context["own"]), [mine])
        response = self.client.post(
            reverse("training:rsvp", args=[mine.pk]), {"rsvp": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        mine.refresh_from_db()
        self.assertEqual(mine.rsvp, "yes")
        response = self.client.post(
            reverse("training:rsvp", args=[theirs.pk]), {"rsvp": "no"}
        )
        self.assertEqual(response.status_code, 404)
        theirs.refresh_from_db()
        self.assertEqual(theirs.rsvp, "pending")

    def test_an_invitee_sees_the_workshop_but_not_its_figures(self):
        self.invite(self.state_ws, self.person_of(self.w.chetan), self.kamla)
        self.client.force_login(self.w.chetan)
        listing = self.client.get(reverse("training:workshop-list"))
        self.assertEqual(listing.context["upcoming"], [(self.state_ws, None)])
        self.assertNotContains(listing, "2 invited")
        self.client.force_login(self.w.asha)
        listing = self.client.get(reverse("training:workshop-list"))
        rows = dict(listing.context["upcoming"])
        self.assertEqual(rows[self.state_ws].invited, 2)

    def test_an_invitee_sees_the_workshop_but_not_the_invitation_list(self):
        self.invite(self.state_ws, self.person_of(self.w.chetan))
        self.client.force_login(self.w.chetan)
        detail = self.client.get(
            reverse("training:workshop-detail", args=[self.state_ws.pk])
        )
        self.assertEqual(detail.status_code, 200)
        self.assertIs(detail.context["manages"], False)
        self.assertContains(detail, "Your invitation")
        for name in ("invitation-list", "desk", "call-list", "outbox"):
            with self.subTest(page=name):
                url = reverse(f"training:{name}", args=[self.state_ws.pk])
                self.assertEqual(self.client.get(url).status_code, 404)


class WithdrawTests(TrainingTestCase):
    def test_an_invitation_is_withdrawn_until_its_person_is_checked_in(self):
        kamla, ramesh = self.invite(self.city_ws, self.kamla, self.ramesh)
        self.attend(ramesh, self.sessions(self.city_ws)[0])
        kamla_id = kamla.pk
        services.invitation_remove(by=self.w.dev, invitation=kamla)
        self.assertFalse(Invitation.objects.filter(pk=kamla_id).exists())
        with self.assertRaisesMessage(ValidationError, "has been checked in"):
            services.invitation_remove(by=self.w.dev, invitation=ramesh)
        self.assertTrue(
            AuditEvent.objects.filter(
                verb="training.uninvite", object_id=str(kamla_id)
            ).exists()
        )

    def test_bina_cannot_withdraw_from_the_city_workshop(self):
        [invitation] = self.invite(self.city_ws, self.ramesh)
        self.client.force_login(self.w.bina)
        url = reverse("training:invitation-remove", args=[invitation.pk])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(Invitation.objects.filter(pk=invitation.pk).exists())


class InvitationPdfTests(TrainingTestCase):
    def pdf_text(self, response):
        import io

        from pypdf import PdfReader

        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        text = "\n".join(p.extract_text() for p in reader.pages)
        return len(reader.pages), pdf_words(text)

    def test_an_invitee_prints_their_own_invitation_in_hindi(self):
        [mine] = self.invite(self.state_ws, self.person_of(self.w.chetan))
        self.client.force_login(self.w.chetan)
        response = self.client.get(reverse("training:invitation-pdf", args=[mine.pk]))
        pages, text = self.pdf_text(response)
        self.assertEqual(pages, 1)
        self.assertIn(pdf_words("चेतन सांखला"), text)
        self.assertIn(pdf_words("प्रदेश चुनावी कार्यशाला"), text)
        self.assertIn(mine.code, text.replace(" ", ""))

    def test_the_qr_code_carries_the_desk_address_with_the_code(self):
        import base64
        import urllib.parse

        from boothwise.training.qr import qr_svg

        uri = qr_svg("http://example.org/training/workshops/1/desk/?q=ABC234")
        self.assertTrue(uri.startswith("data:image/svg+xml"))
        body = uri.split(",", 1)[1]
        svg = (
            base64.b64decode(body).decode()
            if ";base64" in uri.split(",", 1)[0]
            else urllib.parse.unquote(body)
        )
        self.assertIn("<svg", svg)
        self.assertIn("<path", svg)

    def test_many_invitations_print_in_batches_and_each_is_audited(self):
        from unittest import mock

        self.invite(self.city_ws, self.kamla, self.ramesh, self.sunita)
        self.client.force_login(self.w.dev)
        with mock.patch("boothwise.training.views.INVITATIONS_PER_PDF", 2):
            listing = self.client.get(
                reverse("training:invitation-list", args=[self.city_ws.pk])
            )
            self.assertEqual(listing.context["pdf_batches"], [(1, 1, 2), (2, 3, 3)])
            url = reverse("training:invitations-pdf", args=[self.city_ws.pk])
            pages, text = self.pdf_text(self.client.get(url, {"page": 2}))
        self.assertEqual(pages, 1)
        self.assertIn(pdf_words("श्रीमती सुनीता देवी"), text)
        event = AuditEvent.objects.get(verb="training.export")
        self.assertEqual(
            event.data, {"what": "invitations", "rows": 1, "format": "pdf"}
        )


class NextUrlTests(TrainingTestCase):
    def test_an_answer_returns_to_a_page_of_this_site_only(self):
        [invitation] = self.invite(self.city_ws, self.kamla)
        self.client.force_login(self.w.dev)
        url = reverse("training:rsvp", args=[invitation.pk])
        for given, expected in [
            ("/training/", "/training/"),
            ("https://evil.example/", f"/training/workshops/{self.city_ws.pk}/"),
            ("//evil.example/", f"/training/workshops/{self.city_ws.pk}/"),
            ("/\\evil.example/", f"/training/workshops/{self.city_ws.pk}/"),
        ]:
            with self.subTest(next=given):
                response = self.client.post(url, {"rsvp": "yes", "next": given})
                self.assertEqual(response["Location"], expected)

"""The marking path's hand-written scope (access.voter_scope_sql) admits exactly the
electors that the access layer's ORM filter does, for every persona and action."""

from __future__ import annotations

from django.db import connection

from boothwise.accounts.access import scope_for, visible, voter_scope_sql
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.core.rawsql import quote
from boothwise.rolls.models import Voter
from boothwise.votingday.tests.helpers import VotingdayTestCase


class VoterScopeSqlTests(VotingdayTestCase):
    def by_sql(self, user: User, action: Action) -> set[int]:
        scope = scope_for(user, action)
        if scope.is_empty:
            return set()
        where, params = voter_scope_sql(scope, "v")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT v.id FROM {quote(Voter._meta.db_table)} v WHERE {where}",
                params,
            )
            return {row[0] for row in cursor.fetchall()}

    def test_the_sql_twin_admits_exactly_what_the_orm_filter_admits(self):
        root = User.objects.create_superuser(username="root", password=None)
        personas = {**self.personas(), "root": root}
        seen = {}
        for username, user in personas.items():
            for action in Action:
                with self.subTest(persona=username, action=action.value):
                    expected = set(
                        visible(user, action, Voter.objects.all()).values_list(
                            "pk", flat=True
                        )
                    )
                    self.assertEqual(self.by_sql(user, action), expected)
                    seen[(username, action)] = expected
        # The comparison covered every kind of scope: everything, an AC, a unit
        # subtree, a booth, a page of serials and nothing.
        everyone = set(Voter.objects.values_list("pk", flat=True))
        mark = Action.MARK_VOTED
        self.assertEqual(seen[("root", mark)], everyone)
        self.assertEqual(seen[("nobody", mark)], set())
        self.assertEqual(
            seen[("pooja", mark)],
            set(
                Voter.objects.filter(part=self.part, serial_no__lte=30).values_list(
                    "pk", flat=True
                )
            ),
        )
        self.assertTrue(
            set() < seen[("chetan", mark)] < seen[("arun", Action.VIEW_VOTERS)]
        )

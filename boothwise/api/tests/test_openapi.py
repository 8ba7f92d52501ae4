"""The OpenAPI document is served, valid, complete, and documented in docs/api.md."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from boothwise.api.tests.base import API

PATHS = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/me": {"get"},
    "/api/v1/units": {"get"},
    "/api/v1/units/{unit_id}": {"get"},
    "/api/v1/booths": {"get"},
    "/api/v1/booths/{booth_id}": {"get"},
    "/api/v1/people": {"get"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/posts": {"get", "post"},
    "/api/v1/posts/{post_id}/relieve": {"post"},
    "/api/v1/acs": {"get"},
    "/api/v1/acs/{ac_id}": {"get"},
    # Electoral rolls (boothwise/rolls/api.py).
    "/api/v1/voters/search": {"get"},
    "/api/v1/voters/{voter_id}": {"get"},
    "/api/v1/parts/{part_id}/roll": {"get"},
    "/api/v1/verifications": {"post"},
    "/api/v1/imports/{import_id}": {"get"},
    # Training workshops (boothwise/training/api.py).
    "/api/v1/training/topics": {"get"},
    "/api/v1/training/workshops": {"get", "post"},
    "/api/v1/training/workshops/{workshop_id}": {"get"},
    "/api/v1/training/workshops/{workshop_id}/sessions": {"get", "post"},
    "/api/v1/training/workshops/{workshop_id}/invitations": {"get", "post"},
    "/api/v1/training/invitations/{invitation_id}/rsvp": {"post"},
    "/api/v1/training/workshops/{workshop_id}/attendance": {"get", "post"},
    "/api/v1/training/directives": {"get"},
    "/api/v1/training/workshops/{workshop_id}/directives": {"post"},
    "/api/v1/training/directives/{directive_id}/status": {"post"},
    "/api/v1/training/coverage/{unit_id}": {"get"},
    "/api/v1/training/people/{person_id}": {"get"},
    # The public contact programme (boothwise/outreach/api.py).
    "/api/v1/outreach/campaigns": {"get"},
    "/api/v1/outreach/campaigns/{campaign_id}": {"get"},
    "/api/v1/outreach/campaigns/{campaign_id}/walklists": {"get"},
    "/api/v1/outreach/campaigns/{campaign_id}/parts/{part_id}/walklist": {"get"},
    "/api/v1/outreach/campaigns/{campaign_id}/coverage": {"get"},
    "/api/v1/outreach/visits": {"post"},
    "/api/v1/outreach/followups": {"get"},
    "/api/v1/outreach/followups/{followup_id}/close": {"post"},
    # Polling day (boothwise/votingday/api.py).
    "/api/v1/votingday/marks": {"post"},
    "/api/v1/votingday/parts/{part_id}/marks": {"get"},
    "/api/v1/votingday/parts/{part_id}/voters": {"get"},
}


class OpenApiTests(TestCase):
    def schema(self):
        response = self.client.get(API + "/openapi.json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        return json.loads(response.content)

    def test_document_is_openapi_3_and_lists_every_path(self):
        schema = self.schema()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertEqual(schema["info"]["title"], "boothwise API")
        self.assertEqual(schema["info"]["version"], "1")
        self.assertEqual(
            {path: set(ops) for path, ops in schema["paths"].items()}, PATHS
        )
        self.assertEqual(
            schema["components"]["securitySchemes"]["TokenAuth"],
            {"type": "http", "scheme": "bearer"},
        )
        create = schema["paths"]["/api/v1/auth/token"]["post"]
        self.assertNotIn("security", create)
        self.assertIn("security", schema["paths"]["/api/v1/me"]["get"])

    def test_no_interactive_docs_from_a_cdn(self):
        self.assertEqual(self.client.get(API + "/docs").status_code, 404)

    def test_docs_api_md_mentions_every_operation(self):
        text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text(encoding="utf-8")
        for path, operations in self.schema()["paths"].items():
            for method in operations:
                with self.subTest(operation=f"{method.upper()} {path}"):
                    self.assertIn(f"{method.upper()} {path}", text)

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("boothwise.organisation.urls")),
    path("geo/", include("boothwise.geography.urls")),
    path("rolls/", include("boothwise.rolls.urls")),
    path("accounts/", include("boothwise.accounts.urls")),
    path("training/", include("boothwise.training.urls")),
    path("outreach/", include("boothwise.outreach.urls")),
    path("votingday/", include("boothwise.votingday.urls")),
    path("api/v1/", include("boothwise.api.urls")),
    path("admin/", admin.site.urls),
]

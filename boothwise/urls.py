from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

# The API first: its devices send most of the requests (a polling day's marks), and
# Django tries these in order, every pattern of an include at "" on each request.
urlpatterns = [
    path("api/v1/", include("boothwise.api.urls")),
    path("", include("boothwise.organisation.urls")),
    path("geo/", include("boothwise.geography.urls")),
    path("rolls/", include("boothwise.rolls.urls")),
    path("accounts/", include("boothwise.accounts.urls")),
    path("training/", include("boothwise.training.urls")),
    path("outreach/", include("boothwise.outreach.urls")),
    path("votingday/", include("boothwise.votingday.urls")),
    path("admin/", admin.site.urls),
]

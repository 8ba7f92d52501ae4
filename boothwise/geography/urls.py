from __future__ import annotations

from django.urls import path

from boothwise.organisation import views

app_name = "geography"
urlpatterns = [
    path("", views.home, name="state-list"),
]

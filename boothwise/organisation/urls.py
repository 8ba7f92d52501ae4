from __future__ import annotations

from django.urls import path

from boothwise.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.home, name="unit-list"),
]

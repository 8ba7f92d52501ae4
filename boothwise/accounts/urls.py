from __future__ import annotations

from django.urls import path

from boothwise.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.language, name="language"),
]

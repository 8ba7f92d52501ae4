from __future__ import annotations

from django.urls import path

from boothwise.organisation import views

app_name = "organisation"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit-detail"),
    path("booths/<int:unit_id>/", views.booth_detail, name="booth-detail"),
    path("people/", views.person_list, name="person-list"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("posts/new/", views.post_appoint, name="post-appoint"),
    path("posts/<int:post_id>/relieve/", views.post_relieve, name="post-relieve"),
    path("audit/", views.audit, name="audit"),
]

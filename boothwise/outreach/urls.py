from __future__ import annotations

from django.urls import path

from boothwise.outreach import views

app_name = "outreach"
C = "campaigns/<int:campaign_id>/"
P = C + "parts/<int:part_id>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path(C, views.campaign_detail, name="campaign-detail"),
    path(C + "survey/", views.survey_edit, name="survey-edit"),
    path(C + "flags/", views.flags, name="flags"),
    path(C + "export.csv", views.export_csv, name="export-csv"),
    path(P, views.booth_work, name="booth-work"),
    path(P + "request/", views.assignment_request, name="assignment-request"),
    path(P + "walk/", views.walk, name="walk"),
    path(P + "paper/", views.paper_entry, name="paper-entry"),
    path(P + "walk.pdf", views.walk_pdf, name="walk-pdf"),
    path(P + "doors/<int:serial_no>/", views.door_detail, name="door-detail"),
    path(
        "assignments/<int:assignment_id>/decide/",
        views.assignment_decide,
        name="assignment-decide",
    ),
    path("followups/", views.followup_list, name="followup-list"),
    path(
        "followups/<int:followup_id>/close/",
        views.followup_close,
        name="followup-close",
    ),
]

from __future__ import annotations

from django.urls import path

from boothwise.votingday import views, views_reports

app_name = "votingday"
P = "parts/<int:part_id>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service-worker"),
    path(P + "mark/", views.mark, name="mark"),
    path(P + "marks/<int:mark_id>/undo/", views.mark_undo, name="mark-undo"),
    path(P + "turnout/", views.turnout, name="turnout"),
    path(P + "supporters/", views.supporters, name="supporters"),
    path(P + "supporters/<int:serial_no>/nudge/", views.nudge, name="nudge"),
    path(P + "incidents/new/", views.incident_report, name="incident-report"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("war-room/", views.war_room, name="war-room"),
    path("war-room/count/", views.war_room_count, name="war-room-count"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident-detail"),
    path(
        "incidents/<int:incident_id>/photo/",
        views.incident_photo,
        name="incident-photo",
    ),
    path(P + "report/", views_reports.report, name="report"),
    path(P + "report.csv", views_reports.report_csv, name="report-csv"),
    path(P + "report.pdf", views_reports.report_pdf, name="report-pdf"),
    path(P + "slips.pdf", views_reports.slips_pdf, name="slips-pdf"),
]

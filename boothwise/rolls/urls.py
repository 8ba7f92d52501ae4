from __future__ import annotations

from django.urls import path

from boothwise.rolls import views

app_name = "rolls"
urlpatterns = [
    path("", views.voter_search, name="voter-search"),
    path("voters/<int:voter_id>/", views.voter_detail, name="voter-detail"),
    path("voters/<int:voter_id>/verify/", views.voter_verify, name="voter-verify"),
    path("parts/<int:part_id>/", views.part_roll, name="part-roll"),
    path("parts/<int:part_id>/changes/", views.part_changes, name="part-changes"),
    path(
        "parts/<int:part_id>/changes.csv",
        views.part_changes_csv,
        name="part-changes-csv",
    ),
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path("imports/<int:import_id>/", views.import_detail, name="import-detail"),
    path("imports/<int:import_id>/resume/", views.import_resume, name="import-resume"),
    path(
        "imports/<int:import_id>/changes.csv",
        views.import_changes_csv,
        name="import-changes-csv",
    ),
    path("claims/", views.claims, name="claims"),
    path("claims.csv", views.claims_csv, name="claims-csv"),
]

from __future__ import annotations

from django.urls import path

from boothwise.training import views

app_name = "training"
urlpatterns = [
    path("", views.workshop_list, name="workshop-list"),
    path("curriculum/", views.curriculum, name="curriculum"),
    path("workshops/new/", views.workshop_create, name="workshop-create"),
    path(
        "workshops/<int:workshop_id>/",
        views.workshop_detail,
        name="workshop-detail",
    ),
    path(
        "workshops/<int:workshop_id>/edit/",
        views.workshop_edit,
        name="workshop-edit",
    ),
    path(
        "workshops/<int:workshop_id>/sessions/",
        views.session_add,
        name="session-add",
    ),
    path(
        "sessions/<int:session_id>/edit/",
        views.session_edit,
        name="session-edit",
    ),
    path(
        "sessions/<int:session_id>/remove/",
        views.session_remove,
        name="session-remove",
    ),
    path(
        "workshops/<int:workshop_id>/invitations/",
        views.invitation_list,
        name="invitation-list",
    ),
    path(
        "workshops/<int:workshop_id>/invitations/by-post/",
        views.invite_by_post,
        name="invite-by-post",
    ),
    path(
        "workshops/<int:workshop_id>/invitations/add/",
        views.invitation_add,
        name="invitation-add",
    ),
    path(
        "workshops/<int:workshop_id>/invitations.pdf",
        views.invitations_pdf,
        name="invitations-pdf",
    ),
    path(
        "invitations/<int:invitation_id>/remove/",
        views.invitation_remove,
        name="invitation-remove",
    ),
    path("invitations/<int:invitation_id>/rsvp/", views.rsvp, name="rsvp"),
    path(
        "invitations/<int:invitation_id>/invitation.pdf",
        views.invitation_pdf,
        name="invitation-pdf",
    ),
    path("workshops/<int:workshop_id>/calls/", views.call_list, name="call-list"),
    path(
        "workshops/<int:workshop_id>/calls.csv",
        views.call_list_csv,
        name="call-list-csv",
    ),
    path(
        "workshops/<int:workshop_id>/calls.pdf",
        views.call_list_pdf,
        name="call-list-pdf",
    ),
    path(
        "workshops/<int:workshop_id>/reminders/",
        views.reminders,
        name="reminders",
    ),
    path("workshops/<int:workshop_id>/outbox/", views.outbox, name="outbox"),
    path(
        "outbox/<int:message_id>/status/",
        views.outbox_status,
        name="outbox-status",
    ),
    path("workshops/<int:workshop_id>/desk/", views.desk, name="desk"),
    path(
        "workshops/<int:workshop_id>/desk/check-in/",
        views.check_in,
        name="check-in",
    ),
    path(
        "workshops/<int:workshop_id>/desk/walk-in/",
        views.walk_in,
        name="walk-in",
    ),
    path(
        "workshops/<int:workshop_id>/directives/",
        views.directive_create,
        name="directive-create",
    ),
    path("directives/", views.directive_list, name="directive-list"),
    path(
        "directives/<int:directive_id>/status/",
        views.directive_status,
        name="directive-status",
    ),
    path("coverage/", views.coverage_home, name="coverage-home"),
    path("coverage/<int:unit_id>/", views.coverage, name="coverage"),
    path(
        "coverage/<int:unit_id>/coverage.csv", views.coverage_csv, name="coverage-csv"
    ),
    path(
        "coverage/<int:unit_id>/coverage.pdf", views.coverage_pdf, name="coverage-pdf"
    ),
]

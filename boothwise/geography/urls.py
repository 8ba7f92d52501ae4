from __future__ import annotations

from django.urls import path

from boothwise.geography import views

app_name = "geography"
urlpatterns = [
    path("", views.state_list, name="state-list"),
    path("states/<int:state_id>/", views.state_detail, name="state-detail"),
    path("pcs/<int:pc_id>/", views.pc_detail, name="pc-detail"),
    path("acs/<int:ac_id>/", views.ac_detail, name="ac-detail"),
    path("parts/<int:part_id>/", views.part_detail, name="part-detail"),
]

from django.urls import path

from . import views

app_name = "meetings"

# Two path segments after the consultation id, so the consultation app's
# `konsultasi/<pk>/<action>/` never catches these.
urlpatterns = [
    path("konsultasi/tatap-muka/tiket/<int:ticket_id>/", views.walk_in, name="walk-in"),
    path("konsultasi/<int:pk>/janji/baru/", views.appointment_new, name="appointment-new"),
    path(
        "konsultasi/<int:pk>/janji/<int:link_id>/batal/", views.appointment_cancel, name="appointment-cancel"
    ),
    path(
        "konsultasi/<int:pk>/janji/<int:link_id>/undangan.ics", views.appointment_ics, name="appointment-ics"
    ),
    path("konsultasi/<int:pk>/video/baru/", views.meeting_new, name="meeting-new"),
    path("konsultasi/<int:pk>/video/<int:meeting_id>/batal/", views.meeting_cancel, name="meeting-cancel"),
    path("konsultasi/<int:pk>/video/<int:meeting_id>/undangan.ics", views.meeting_ics, name="meeting-ics"),
]

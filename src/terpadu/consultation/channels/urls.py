from django.urls import path

from . import views

app_name = "consultation_channels"

urlpatterns = [
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="whatsapp-webhook"),
    path("konsultasi/email-ditahan/", views.held_emails, name="held"),
    path(
        "konsultasi/email-ditahan/<int:pk>/<str:decision>/",
        views.held_email_decide,
        name="held-decide",
    ),
]

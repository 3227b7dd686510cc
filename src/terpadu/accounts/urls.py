from django.urls import path
from django.views.generic import TemplateView

# Replaced by the accounts views (profile, data export, deletion).
urlpatterns = [
    path("akun/", TemplateView.as_view(template_name="base.html"), name="profile"),
]

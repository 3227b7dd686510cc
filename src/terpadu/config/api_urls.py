"""/api/v1/: every app's API routes in one place."""

from django.urls import include, path

urlpatterns = [
    path("", include("terpadu.units.api_urls")),
    path("", include("terpadu.accounts.api_urls")),
    path("", include("terpadu.library.api_urls")),
    path("", include("terpadu.frontdesk.api_urls")),
    path("", include("terpadu.consultation.api_urls")),
    path("", include("terpadu.feedback.api_urls")),
    path("", include("terpadu.reports.api_urls")),
]

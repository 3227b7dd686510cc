from django.urls import path

from terpadu.accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-auth-register"),
    path("auth/token/", api.TokenView.as_view(), name="api-auth-token"),
    path("auth/me/", api.MeView.as_view(), name="api-auth-me"),
    path("auth/me/export/", api.MeExportView.as_view(), name="api-auth-me-export"),
    path("auth/me/delete/", api.MeDeleteView.as_view(), name="api-auth-me-delete"),
]

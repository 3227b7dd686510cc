from django.urls import path

from . import api

urlpatterns = [
    path("publications/", api.PublicationListView.as_view(), name="api-publications"),
    path("publications/<int:pk>/", api.PublicationDetailView.as_view(), name="api-publication"),
    path("publications/<int:pk>/files/", api.PublicationFileView.as_view(), name="api-publication-files"),
    path(
        "publications/<int:pk>/download/",
        api.PublicationDownloadView.as_view(),
        name="api-publication-download",
    ),
    path("downloads/", api.MyDownloadsView.as_view(), name="api-my-downloads"),
    path("downloads/<str:code>/", api.DownloadTraceView.as_view(), name="api-download-trace"),
    path("units/<str:code>/downloads/", api.UnitDownloadsView.as_view(), name="api-unit-downloads"),
    path(
        "units/<str:code>/catalogue-import/", api.CatalogueImportView.as_view(), name="api-catalogue-import"
    ),
    path(
        "units/<str:code>/catalogue-export/", api.CatalogueExportView.as_view(), name="api-catalogue-export"
    ),
    path("softcopy-requests/", api.SoftcopyRequestListView.as_view(), name="api-softcopy-requests"),
    path(
        "softcopy-requests/<int:pk>/approve/",
        api.SoftcopyRequestApproveView.as_view(),
        name="api-request-approve",
    ),
    path(
        "softcopy-requests/<int:pk>/decline/",
        api.SoftcopyRequestDeclineView.as_view(),
        name="api-request-decline",
    ),
    path(
        "softcopy-requests/<int:pk>/download/",
        api.SoftcopyRequestDownloadView.as_view(),
        name="api-request-download",
    ),
]

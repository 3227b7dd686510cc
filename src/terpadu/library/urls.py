from django.urls import path

from . import oai, views

app_name = "library"

urlpatterns = [
    path("oai", oai.endpoint, name="oai"),
    path("pustaka/", views.search_page, name="search"),
    path("pustaka/saya/", views.my_library, name="mine"),
    path("pustaka/<int:pk>/", views.publication_page, name="publication"),
    path("pustaka/<int:pk>/sampul.png", views.cover_image, name="cover"),
    path("pustaka/<int:pk>/baca/", views.reader, name="reader"),
    path("pustaka/<int:pk>/baca/<int:number>.png", views.reader_page, name="reader-page"),
    path("pustaka/<int:pk>/unduh/", views.download, name="download"),
    path("pustaka/<int:pk>/minta/", views.request_create, name="request-create"),
    path("pustaka/permintaan/<int:pk>/unduh/", views.request_download, name="request-download"),
    path("pustaka/permintaan/t/<str:token>/", views.request_token, name="request-token"),
    path("pustaka/staf/", views.staff_home, name="staff-home"),
    path("pustaka/staf/<str:code>/", views.desk, name="desk"),
    path("pustaka/staf/<str:code>/pengambilan/", views.retrieval_list, name="retrievals"),
    path(
        "pustaka/staf/<str:code>/pengambilan/<int:pk>/<str:status>/",
        views.retrieval_advance,
        name="retrieval-advance",
    ),
    path("pustaka/staf/<str:code>/ruang-baca/", views.reading_room, name="reading-room"),
    path("pustaka/staf/<str:code>/pengunjung/", views.visitor_options, name="visitor-options"),
    path("pustaka/staf/<str:code>/kunjungan/<int:pk>/", views.visit_detail, name="visit"),
    path("pustaka/staf/<str:code>/eksemplar/<int:pk>/kembali/", views.copy_return, name="copy-return"),
    path("pustaka/staf/<str:code>/permintaan/baru/", views.walk_in_request, name="walk-in-request"),
    path("pustaka/staf/<str:code>/cari-publikasi/", views.publication_options, name="publication-options"),
    path(
        "pustaka/staf/<str:code>/permintaan/<int:pk>/<str:decision>/",
        views.request_decide,
        name="request-decide",
    ),
    path("pustaka/staf/<str:code>/lacak/", views.trace, name="trace"),
    path("pustaka/staf/<str:code>/impor/", views.import_page, name="import"),
    path("pustaka/staf/<str:code>/impor/<int:pk>/", views.import_job, name="import-job"),
    path("pustaka/staf/<str:code>/impor/<int:pk>/mulai/", views.import_start, name="import-start"),
    path("pustaka/staf/<str:code>/impor/<int:pk>/progres/", views.import_progress, name="import-progress"),
    path("pustaka/staf/<str:code>/publikasi/<int:pk>/berkas/", views.file_upload, name="file-upload"),
    path("pustaka/staf/<str:code>/publikasi/<int:pk>/berkas/status/", views.file_status, name="file-status"),
]

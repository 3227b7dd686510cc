from django.urls import path

from terpadu.reports import views

app_name = "reports"

urlpatterns = [
    path("laporan/", views.home, name="home"),
    path("laporan/<str:code>/", views.dashboard, name="dashboard"),
    path("laporan/<str:code>/unduh.<str:fmt>", views.export, name="export"),
    path("laporan/<str:code>/rincian/<slug:source>/", views.drilldown, name="drilldown"),
]

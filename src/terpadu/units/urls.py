from django.urls import path

from terpadu.units import views

urlpatterns = [
    path("", views.home, name="home"),
    path("unit/", views.unit_directory, name="unit-directory"),
    path("unit/<str:code>/", views.unit_detail, name="unit-detail"),
    path("unit/<str:code>/standar/<slug:service>/", views.standard_detail, name="standard-current"),
    path("unit/<str:code>/standar/<slug:service>/pdf/", views.standard_pdf, name="standard-current-pdf"),
    path("unit/<str:code>/standar/<slug:service>/<int:pk>/", views.standard_detail, name="standard-version"),
    path(
        "unit/<str:code>/standar/<slug:service>/<int:pk>/pdf/",
        views.standard_pdf,
        name="standard-version-pdf",
    ),
]

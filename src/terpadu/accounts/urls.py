from django.urls import path

from terpadu.accounts import views

urlpatterns = [
    path("akun/", views.profile, name="profile"),
    path("akun/data-saya/", views.profile_export, name="profile-export"),
    path("akun/hapus/", views.profile_delete, name="profile-delete"),
]

from django.urls import path

from . import views

app_name = "consultation"

urlpatterns = [
    path("konsultasi/", views.my_consultations, name="mine"),
    path("konsultasi/baru/", views.consultation_new, name="new"),
    path("konsultasi/kotak-masuk/", views.inbox, name="inbox"),
    path("konsultasi/tugas/", views.duty_toggle, name="duty"),
    path("konsultasi/balasan/<str:unit>/", views.canned_replies, name="canned"),
    path("konsultasi/balasan/<str:unit>/<int:reply_id>/", views.canned_reply_edit, name="canned-edit"),
    path("konsultasi/saran/", views.suggestions, name="suggestions"),
    path("konsultasi/artikel/<int:pk>/", views.article_detail, name="article"),
    path("konsultasi/artikel/<int:pk>/terjawab/", views.article_answered, name="article-answered"),
    path("konsultasi/<int:pk>/", views.consultation_detail, name="detail"),
    path(
        "konsultasi/<int:pk>/lampiran/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("konsultasi/<int:pk>/<str:action>/", views.consultation_action, name="action"),
]

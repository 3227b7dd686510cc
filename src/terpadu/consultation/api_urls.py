from django.urls import path

from . import api

urlpatterns = [
    path("knowledge/", api.knowledge_search, name="api-knowledge"),
    path("consultations/", api.consultations, name="api-consultations"),
    path("consultations/<int:pk>/", api.consultation_detail, name="api-consultation"),
    path("consultations/<int:pk>/messages/", api.consultation_messages, name="api-consultation-messages"),
    path(
        "consultations/<int:pk>/mark-clear/", api.consultation_mark_clear, name="api-consultation-mark-clear"
    ),
    path(
        "consultations/<int:pk>/request-clarification/",
        api.consultation_request_clarification,
        name="api-consultation-request-clarification",
    ),
    path("consultations/<int:pk>/close/", api.consultation_close, name="api-consultation-close"),
    path("consultations/<int:pk>/read/", api.consultation_read, name="api-consultation-read"),
    path(
        "consultations/<int:pk>/attachments/<int:attachment_id>/",
        api.consultation_attachment,
        name="api-consultation-attachment",
    ),
]

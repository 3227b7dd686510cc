from django.urls import path

from . import api

urlpatterns = [
    path("surveys/<str:token>/", api.survey_answer, name="api-survey-answer"),
    path("units/<str:code>/ikm/", api.unit_ikm, name="api-unit-ikm"),
    path("units/<str:code>/survey-responses/", api.unit_responses, name="api-unit-survey-responses"),
    path("units/<str:code>/complaints/", api.unit_complaints, name="api-unit-complaints"),
    path("complaints/", api.complaint_create, name="api-complaints"),
    path("complaints/<str:tracking_code>/", api.complaint_status, name="api-complaint-status"),
]

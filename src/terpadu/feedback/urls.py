from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("survei/terima-kasih/", views.survey_thanks, name="survey-thanks"),
    path("survei/<str:token>/", views.survey, name="survey"),
    path("pengaduan/", views.complaints_home, name="complaints"),
    path("pengaduan/lacak/", views.complaint_lookup, name="complaint-lookup"),
    path("pengaduan/lacak/<str:tracking_code>/", views.complaint_status, name="complaint-status"),
    path("pengaduan/staf/", views.complaint_staff_home, name="complaint-staff-home"),
    path("unit/<str:code>/pengaduan/", views.complaint_form, name="complaint-form"),
    path("unit/<str:code>/pengaduan/staf/", views.complaint_staff_list, name="complaint-staff-list"),
    path("unit/<str:code>/pengaduan/staf/baru/", views.complaint_staff_new, name="complaint-staff-new"),
    path(
        "unit/<str:code>/pengaduan/staf/<int:pk>/",
        views.complaint_staff_detail,
        name="complaint-staff-detail",
    ),
    path("ikm/", views.ikm_home, name="ikm-home"),
    path("unit/<str:code>/ikm/", views.ikm_page, name="ikm"),
    path("unit/<str:code>/ikm/tindak-lanjut/", views.ikm_follow_up, name="ikm-follow-up"),
    path("unit/<str:code>/ikm/laporan.pdf", views.ikm_pdf, name="ikm-pdf"),
    path("unit/<str:code>/survei/respons/", views.responses_page, name="responses"),
    path("unit/<str:code>/survei/respons.xlsx", views.responses_xlsx, name="responses-xlsx"),
]

from django.urls import path

from terpadu.frontdesk import views

urlpatterns = [
    path("unit/<str:code>/buku-tamu/", views.kiosk, name="frontdesk-kiosk"),
    path("unit/<str:code>/buku-tamu/kenali/", views.kiosk_lookup, name="frontdesk-kiosk-lookup"),
    path("unit/<str:code>/buku-tamu/selesai/<int:visit_id>/", views.kiosk_done, name="frontdesk-kiosk-done"),
    path("unit/<str:code>/buku-tamu/janji/", views.kiosk_appointment, name="frontdesk-kiosk-appointment"),
    path(
        "unit/<str:code>/buku-tamu/janji/<int:ticket_id>/",
        views.kiosk_appointment_done,
        name="frontdesk-kiosk-appointment-done",
    ),
    path("unit/<str:code>/perangkat/aktifkan/", views.device_activate, name="frontdesk-device-activate"),
    path("unit/<str:code>/antrian/layar/", views.board, name="frontdesk-board"),
    path("unit/<str:code>/loket/", views.counter_list, name="frontdesk-counters"),
    path("unit/<str:code>/loket/<int:pk>/", views.counter_page, name="frontdesk-counter"),
    path(
        "unit/<str:code>/loket/<int:pk>/<slug:action>/", views.counter_action, name="frontdesk-counter-action"
    ),
    path("unit/<str:code>/kunjungan/", views.visit_list, name="frontdesk-visits"),
    path("unit/<str:code>/kunjungan/<int:pk>/keluar/", views.visit_checkout, name="frontdesk-visit-checkout"),
    path("unit/<str:code>/loker/", views.lockers, name="frontdesk-lockers"),
    path(
        "unit/<str:code>/loker/titipan/<int:pk>/kembali/", views.locker_return, name="frontdesk-locker-return"
    ),
    path("antrian/<str:public_code>/", views.ticket_page, name="frontdesk-ticket"),
]

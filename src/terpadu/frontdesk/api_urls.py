from django.urls import path

from terpadu.frontdesk import api

urlpatterns = [
    path("units/<str:code>/visits/", api.unit_visits, name="api-frontdesk-visits"),
    path("units/<str:code>/returning-visitor/", api.returning_visitor, name="api-frontdesk-returning"),
    path("visits/<int:pk>/", api.visit_detail, name="api-frontdesk-visit"),
    path("visits/<int:pk>/checkout/", api.visit_checkout, name="api-frontdesk-visit-checkout"),
    path("units/<str:code>/queue-services/", api.unit_services, name="api-frontdesk-services"),
    path("units/<str:code>/tickets/", api.unit_tickets, name="api-frontdesk-tickets"),
    path("tickets/<int:pk>/", api.ticket_detail, name="api-frontdesk-ticket"),
    path("tickets/<int:pk>/recall/", api.ticket_recall, name="api-frontdesk-ticket-recall"),
    path("tickets/<int:pk>/start/", api.ticket_start, name="api-frontdesk-ticket-start"),
    path("tickets/<int:pk>/finish/", api.ticket_finish, name="api-frontdesk-ticket-finish"),
    path("tickets/<int:pk>/no-show/", api.ticket_no_show, name="api-frontdesk-ticket-no-show"),
    path("tickets/<int:pk>/cancel/", api.ticket_cancel, name="api-frontdesk-ticket-cancel"),
    path("tickets/<int:pk>/transfer/", api.ticket_transfer, name="api-frontdesk-ticket-transfer"),
    path("public/tickets/<str:public_code>/", api.public_ticket, name="api-frontdesk-public-ticket"),
    path("units/<str:code>/counters/", api.unit_counters, name="api-frontdesk-counters"),
    path("counters/<int:pk>/call-next/", api.counter_call_next, name="api-frontdesk-call-next"),
    path("counters/<int:pk>/call/", api.counter_call, name="api-frontdesk-call"),
    path("units/<str:code>/queue/", api.unit_queue, name="api-frontdesk-queue"),
    path("units/<str:code>/lockers/", api.unit_lockers, name="api-frontdesk-lockers"),
    path("units/<str:code>/locker-deposits/", api.unit_locker_deposits, name="api-frontdesk-deposits"),
    path("locker-deposits/<int:pk>/return/", api.locker_deposit_return, name="api-frontdesk-deposit-return"),
    path("units/<str:code>/devices/", api.unit_devices, name="api-frontdesk-devices"),
    path("devices/<int:pk>/revoke/", api.device_revoke, name="api-frontdesk-device-revoke"),
]

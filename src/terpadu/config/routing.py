"""WebSocket routes of every app, gathered in one list for the ASGI router."""

from django.urls import path

from terpadu.consultation.routing import websocket_urlpatterns as consultation_websocket_urlpatterns
from terpadu.core.consumers import PingConsumer
from terpadu.frontdesk.routing import websocket_urlpatterns as frontdesk_websocket_urlpatterns

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *frontdesk_websocket_urlpatterns,
    *consultation_websocket_urlpatterns,
]

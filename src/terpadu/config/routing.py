"""WebSocket routes of every app, gathered in one list for the ASGI router."""

from django.urls import path

from terpadu.core.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
]

from django.urls import path

from terpadu.frontdesk.consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/units/<str:code>/board/", BoardConsumer.as_asgi()),
]

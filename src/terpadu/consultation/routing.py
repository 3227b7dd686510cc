from django.urls import path

from .consumers import ChatConsumer, InboxConsumer

websocket_urlpatterns = [
    path("ws/consultations/<int:pk>/", ChatConsumer.as_asgi()),
    path("ws/consultations/inbox/<str:unit>/", InboxConsumer.as_asgi()),
]

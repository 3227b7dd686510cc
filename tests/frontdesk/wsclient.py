"""A WebSocket test client on asgiref's ApplicationCommunicator.

channels.testing's package import pulls in daphne (for its live server), which this project
does not install; the communicator itself is this small.
"""

import json

from asgiref.testing import ApplicationCommunicator


class WebsocketClient(ApplicationCommunicator):
    def __init__(self, application, path, *, origin=b"http://localhost"):
        scope = {
            "type": "websocket",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [(b"host", b"localhost"), (b"origin", origin)],
            "subprotocols": [],
            "client": ("127.0.0.1", 12345),
            "server": ("localhost", 80),
        }
        super().__init__(application, scope)

    async def connect(self, timeout=2):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        return response["type"] == "websocket.accept"

    async def receive_json_from(self, timeout=2):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def send_json_to(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def disconnect(self, code=1000, timeout=2):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)

// Consultation chat: messages arrive over the WebSocket; after a dropped connection the page asks
// for everything after the last id it has, so nothing is lost and nothing is shown twice.
(function () {
  "use strict";
  const chat = document.getElementById("chat");
  if (!chat) return;
  const form = document.getElementById("chat-form");
  const errorBox = document.getElementById("chat-error");
  const seen = new Set(Array.from(chat.querySelectorAll("[data-id]")).map((el) => Number(el.dataset.id)));
  let lastId = Number(chat.dataset.lastId || 0);
  let socket = null;
  let retry = 500;

  function render(message) {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    lastId = Math.max(lastId, message.id);
    const wrapper = document.createElement("div");
    wrapper.className = "chat-message chat-" + message.author_kind + (message.internal ? " chat-internal" : "");
    wrapper.dataset.id = String(message.id);
    const meta = document.createElement("div");
    meta.className = "small text-muted";
    meta.textContent = (message.author_name || message.author_kind) + " · " + new Date(message.created_at).toLocaleString();
    const body = document.createElement("div");
    body.className = "chat-body";
    // The server stores only sanitised HTML (nh3) for message bodies.
    body.innerHTML = message.body;
    wrapper.append(meta);
    if (message.body) wrapper.append(body);
    if (message.attachments && message.attachments.length) {
      const list = document.createElement("ul");
      list.className = "chat-attachments list-unstyled small mb-0";
      for (const file of message.attachments) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = file.url;
        link.download = "";
        link.textContent = file.name;
        item.append(link);
        list.append(item);
      }
      wrapper.append(list);
    }
    chat.append(wrapper);
    chat.scrollTop = chat.scrollHeight;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + chat.dataset.ws);
    socket.addEventListener("open", () => {
      retry = 500;
      socket.send(JSON.stringify({ type: "catch_up", after: lastId }));
    });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "message") render(data.message);
      else if (data.type === "error" && errorBox) errorBox.textContent = data.errors.join(" ");
      else if (data.type === "status") {
        const badge = document.getElementById("chat-status");
        if (badge) badge.dataset.status = data.status;
      }
    });
    socket.addEventListener("close", () => {
      socket = null;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    });
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // plain POST still works
      event.preventDefault();
      const body = form.querySelector("[name=body]");
      const internal = form.querySelector("[name=internal]");
      const files = form.querySelector("[name=attachments]");
      if (errorBox) errorBox.textContent = "";
      if (files && files.files.length) {
        // Files go over HTTP (multipart); the saved message comes back over the socket.
        fetch(location.pathname, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
          .then(({ ok, data }) => {
            if (ok) { render(data.message); form.reset(); }
            else if (errorBox) errorBox.textContent = (data.errors || []).join(" ");
          })
          .catch(() => { if (errorBox) errorBox.textContent = errorBox.dataset.offline || ""; });
        return;
      }
      socket.send(JSON.stringify({ type: "message", body: body.value, internal: Boolean(internal && internal.checked) }));
      body.value = "";
    });
  }
  chat.scrollTop = chat.scrollHeight;
  connect();
})();

// Consultation chat: messages arrive over the WebSocket; after a dropped connection the page asks
// for everything after the last id it has, so nothing is lost and nothing is shown twice.
// The same socket carries typing (not stored), read marks (stored per side) and, for staff,
// who else has this consultation open.
(function () {
  "use strict";
  const chat = document.getElementById("chat");
  if (!chat) return;
  const form = document.getElementById("chat-form");
  const errorBox = document.getElementById("chat-error");
  const typingBox = document.getElementById("chat-typing");
  const viewersBox = document.getElementById("chat-viewers");
  const side = chat.dataset.side; // "user" or "staff": whose page this is
  const me = Number(chat.dataset.me || 0);
  const seen = new Set(Array.from(chat.querySelectorAll("[data-id]")).map((el) => Number(el.dataset.id)));
  let lastId = Number(chat.dataset.lastId || 0);
  let otherRead = Number(chat.dataset.otherRead || 0);
  let sentRead = 0;
  let socket = null;
  let retry = 500;
  let typingTimer = null;
  let lastTypingSent = 0;
  let pingTimer = null;

  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
  }

  function showReadTicks() {
    for (const el of chat.querySelectorAll(".chat-message.chat-" + side + ":not(.chat-internal)")) {
      if (Number(el.dataset.id) <= otherRead && !el.querySelector(".chat-read")) {
        const tick = document.createElement("span");
        tick.className = "chat-read";
        tick.textContent = " ✓✓ " + (chat.dataset.readLabel || "");
        el.querySelector(".small").append(tick);
      }
    }
  }

  function markRead() {
    // Only what is on screen while the page is visible counts as read.
    if (document.visibilityState !== "visible" || lastId <= sentRead) return;
    sentRead = lastId;
    send({ type: "read", up_to: lastId });
  }

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
    showTyping(null);
    showReadTicks();
    markRead();
  }

  function showTyping(data) {
    if (!typingBox) return;
    clearTimeout(typingTimer);
    if (!data) { typingBox.textContent = ""; return; }
    typingBox.textContent = data.side === "staff"
      ? (typingBox.dataset.staff || "").replace("%(name)s", data.name || "")
      : typingBox.dataset.user || "";
    typingTimer = setTimeout(() => { typingBox.textContent = ""; }, 4000);
  }

  function showViewers(viewers) {
    if (!viewersBox) return;
    const others = viewers.filter((v) => v.id !== me).map((v) => v.name);
    viewersBox.textContent = others.length ? (viewersBox.dataset.label || "") + " " + others.join(", ") : "";
    viewersBox.hidden = others.length === 0;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + chat.dataset.ws);
    socket.addEventListener("open", () => {
      retry = 500;
      chat.dataset.connected = "1";
      send({ type: "catch_up", after: lastId });
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping" }), 20000);
      markRead();
    });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "message") render(data.message);
      else if (data.type === "error" && errorBox) errorBox.textContent = data.errors.join(" ");
      else if (data.type === "typing") showTyping(data);
      else if (data.type === "presence") showViewers(data.viewers || []);
      else if (data.type === "read") {
        const mark = side === "user" ? data.staff : data.user;
        if (mark !== undefined && mark > otherRead) { otherRead = mark; showReadTicks(); }
      } else if (data.type === "status") {
        const badge = document.getElementById("chat-status");
        if (badge) {
          badge.dataset.status = data.status;
          if (data.label) badge.textContent = data.label;
        }
      }
    });
    socket.addEventListener("close", () => {
      socket = null;
      delete chat.dataset.connected;
      clearInterval(pingTimer);
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    });
  }

  if (form) {
    const body = form.querySelector("[name=body]");
    const internal = form.querySelector("[name=internal]");
    body.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTypingSent > 2000) {
        lastTypingSent = now;
        send({ type: "typing", internal: Boolean(internal && internal.checked) });
      }
    });
    form.addEventListener("submit", (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // plain POST still works
      event.preventDefault();
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
      send({ type: "message", body: body.value, internal: Boolean(internal && internal.checked) });
      body.value = "";
    });
  }
  // Canned replies (staff): picking one puts its text into the reply box.
  const canned = document.getElementById("canned-reply");
  if (canned && form) {
    canned.addEventListener("change", () => {
      const option = canned.selectedOptions[0];
      if (!option || !option.dataset.body) return;
      const box = form.querySelector("[name=body]");
      box.value = box.value ? box.value + "\n" + option.dataset.body : option.dataset.body;
      box.focus();
      canned.selectedIndex = 0;
    });
  }
  document.addEventListener("visibilitychange", markRead);
  chat.scrollTop = chat.scrollHeight;
  showReadTicks();
  connect();
})();

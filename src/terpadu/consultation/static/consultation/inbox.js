// The consultant inbox updates live: one WebSocket per unit the consultant answers for says which
// consultation changed (opened, a new message, status, due time, assignee, transfer); the page then
// reloads its rows with the same filters through htmx (the server renders them, scoped as always).
// After a dropped connection it reconnects and reloads once, so nothing that happened meanwhile is missed.
(function () {
  "use strict";
  const table = document.getElementById("inbox");
  if (!table || !table.dataset.sockets) return;
  const paths = table.dataset.sockets.split(" ").filter(Boolean);
  if (!paths.length) return;
  const refreshUrl = table.dataset.refreshUrl || location.pathname + location.search;
  const live = document.getElementById("inbox-live");
  let pending = null;

  function refresh() {
    if (pending) return;
    // Several events in a burst (a message and the status it changed) make one reload.
    pending = setTimeout(() => {
      pending = null;
      if (window.htmx) {
        window.htmx.ajax("GET", refreshUrl, { target: "#inbox-rows", swap: "outerHTML" });
      }
    }, 300);
  }

  function follow(path) {
    let retry = 1000;
    let everOpened = false;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";

    function connect() {
      const socket = new WebSocket(scheme + location.host + path);
      let pinger = null;
      socket.addEventListener("open", () => {
        retry = 1000;
        if (live) live.hidden = false;
        if (everOpened) refresh(); // catch up on whatever changed while disconnected
        everOpened = true;
        pinger = setInterval(() => socket.send(JSON.stringify({ type: "ping" })), 25000);
      });
      socket.addEventListener("message", (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (data.type === "inbox") refresh();
      });
      socket.addEventListener("close", (event) => {
        clearInterval(pinger);
        if (event.code === 4404) return; // not staff of this unit: do not knock again
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 30000);
      });
    }
    connect();
  }

  paths.forEach(follow);
})();

// TV board: live over a WebSocket, catching up from the server state after every (re)connect.
// Each call is announced with a chime and Indonesian speech, one at a time, never overlapping.
(function () {
  "use strict";
  const body = document.getElementById("board");
  const timeZone = body.dataset.timeZone;
  const els = {
    time: document.getElementById("board-time"),
    date: document.getElementById("board-date"),
    now: document.querySelector(".board-now"),
    number: document.getElementById("board-current-number"),
    counter: document.getElementById("board-current-counter"),
    counters: document.getElementById("board-counters"),
    lastCalls: document.getElementById("board-last-calls"),
    waiting: document.getElementById("board-waiting"),
    connection: document.getElementById("board-connection"),
    sound: document.getElementById("board-sound"),
  };

  // --- clock in the unit's own zone -----------------------------------------------------------
  const timeFormat = new Intl.DateTimeFormat("id-ID", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const dateFormat = new Intl.DateTimeFormat("id-ID", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const tick = () => {
    const now = new Date();
    els.time.textContent = timeFormat.format(now).replace(/\./g, ":");
    els.date.textContent = dateFormat.format(now);
  };
  tick();
  setInterval(tick, 1000);

  // --- Indonesian words ----------------------------------------------------------------------
  const DIGITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
  const UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"];
  function terbilang(n) {
    if (n < 12) return UNITS[n];
    if (n < 20) return `${UNITS[n - 10]} belas`;
    if (n < 100) return `${UNITS[Math.floor(n / 10)]} puluh ${UNITS[n % 10]}`.trim();
    if (n < 200) return `seratus ${terbilang(n - 100)}`.trim();
    if (n < 1000) return `${UNITS[Math.floor(n / 100)]} ratus ${terbilang(n % 100)}`.trim();
    return String(n);
  }
  function spokenNumber(number) {
    // "A007" → "A nol nol tujuh": letters as letters, every digit on its own, as people read slips.
    return number.split("").map((c) => (/\d/.test(c) ? DIGITS[Number(c)] : c)).join(" ");
  }
  function announcement(event) {
    const counter = event.counter_number ? `loket ${terbilang(event.counter_number)}` : (event.counter || "loket");
    return `Nomor antrian ${spokenNumber(event.number)}, silakan ke ${counter}`;
  }

  // --- sound: a generated chime, then speech; a queue so announcements never overlap --------
  let audio = null;
  function audioContext() {
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (Context) audio = new Context();
    }
    return audio;
  }
  function updateSoundButton() {
    const ctx = audioContext();
    els.sound.hidden = !ctx || ctx.state === "running";
  }
  els.sound.addEventListener("click", () => {
    const ctx = audioContext();
    if (ctx) ctx.resume().then(updateSoundButton);
  });
  setTimeout(updateSoundButton, 500);

  function chime() {
    return new Promise((resolve) => {
      const ctx = audioContext();
      if (!ctx || ctx.state !== "running") return resolve();
      const start = ctx.currentTime + 0.02;
      [[659.25, 0], [523.25, 0.35]].forEach(([frequency, offset]) => {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.6);
        osc.connect(gain).connect(ctx.destination);
        osc.start(start + offset);
        osc.stop(start + offset + 0.65);
      });
      setTimeout(resolve, 1050);
    });
  }
  function indonesianVoice() {
    const voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
    return voices.find((v) => v.lang && v.lang.toLowerCase().startsWith("id")) || null;
  }
  function speak(text) {
    return new Promise((resolve) => {
      if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return resolve();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "id-ID";
      utterance.rate = 0.9;
      const voice = indonesianVoice();
      if (voice) utterance.voice = voice;
      // A browser without voices never fires `end`: the timeout keeps the queue moving.
      const guard = setTimeout(resolve, 1000 + text.length * 120);
      utterance.onend = utterance.onerror = () => { clearTimeout(guard); resolve(); };
      window.speechSynthesis.speak(utterance);
    });
  }
  const queue = [];
  let speaking = false;
  async function drain() {
    if (speaking) return;
    speaking = true;
    while (queue.length) {
      const text = queue.shift();
      body.dataset.announcing = text;
      els.now.classList.remove("flash");
      void els.now.offsetWidth;
      els.now.classList.add("flash");
      await chime();
      await speak(text);
      body.dataset.announced = `${body.dataset.announced ? `${body.dataset.announced}|` : ""}${text}`;
    }
    delete body.dataset.announcing;
    speaking = false;
  }
  function announce(event) {
    queue.push(announcement(event));
    drain();
  }

  // --- rendering -----------------------------------------------------------------------------
  const counterWord = body.dataset.counterWord;
  function li(left, right) {
    const item = document.createElement("li");
    const a = document.createElement("span");
    const b = document.createElement("span");
    a.textContent = left;
    b.textContent = right;
    item.append(a, b);
    return item;
  }
  // An appointment ticket is called before the walk-in line: the board says why.
  function appointmentMark() {
    const mark = document.createElement("span");
    mark.className = "board-appointment";
    mark.textContent = body.dataset.appointmentWord;
    return mark;
  }
  function render(state) {
    const last = state.last_calls[0];
    els.number.textContent = last ? last.number : "---";
    els.counter.textContent = last ? (last.counter || "") : body.dataset.noCall;
    els.counters.replaceChildren(
      ...state.counters.map((c) => {
        const row = document.createElement("div");
        row.className = "board-counter";
        row.dataset.counter = c.number;
        const name = document.createElement("span");
        name.textContent = c.name;
        const num = document.createElement("span");
        num.className = "num";
        num.textContent = c.current ? c.current.number : "—";
        if (c.current && c.current.is_appointment) num.append(appointmentMark());
        row.append(name, num);
        return row;
      })
    );
    els.lastCalls.replaceChildren(
      ...state.last_calls.slice(0, 6).map((t) => {
        const item = li(t.number, t.counter || "");
        if (t.is_appointment) item.firstChild.append(appointmentMark());
        return item;
      })
    );
    renderWaiting(state.services.map((s) => [s.name, s.waiting]));
  }
  let serviceNames = {};
  function renderWaiting(pairs) {
    els.waiting.replaceChildren(...pairs.map(([name, count]) => li(name, String(count))));
  }
  function applyEvent(event) {
    if (event.type === "called" || event.type === "recalled") {
      els.number.textContent = event.number;
      els.counter.textContent = event.counter || "";
      const row = els.counters.querySelector(`[data-counter="${event.counter_number}"] .num`);
      if (row) row.textContent = event.number;
      announce(event);
    }
    if (event.waiting) {
      renderWaiting(Object.entries(event.waiting).map(([kind, n]) => [serviceNames[kind] || kind, n]));
    }
  }

  let refetchTimer = null;
  function refetch() {
    return fetch(body.dataset.stateUrl, { credentials: "same-origin", cache: "no-store" })
      .then((response) => response.json())
      .then((state) => {
        serviceNames = Object.fromEntries(state.services.map((s) => [s.kind, s.name]));
        render(state);
      })
      .catch(() => {});
  }
  function refetchSoon() {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(refetch, 400);
  }

  // --- WebSocket with reconnection -----------------------------------------------------------
  let delay = 1000;
  function setConnection(online) {
    els.connection.dataset.state = online ? "online" : "offline";
    els.connection.textContent = online ? els.connection.dataset.online : els.connection.dataset.offline;
    body.dataset.connected = online ? "1" : "0";
  }
  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${body.dataset.wsPath}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      setConnection(true);
      refetch(); // catch up on whatever happened while we were away
    });
    socket.addEventListener("message", (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "state") { render(event.state); return; }
      applyEvent(event);
      refetchSoon();
    });
    socket.addEventListener("close", () => {
      setConnection(false);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    });
    socket.addEventListener("error", () => socket.close());
  }
  setConnection(false);
  refetch();
  connect();
})();

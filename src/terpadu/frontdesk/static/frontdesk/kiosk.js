// Kiosk: recognise a returning visitor by email or phone and prefill the guest book;
// after a ticket is shown, go back to an empty form so the next visitor starts fresh.
(function () {
  "use strict";
  const form = document.getElementById("guest-book");
  if (form) {
    const url = form.dataset.lookupUrl;
    const lookup = () => {
      const email = form.querySelector("[data-lookup=email]").value.trim();
      const phone = form.querySelector("[data-lookup=phone]").value.trim();
      if (!email && !phone) return;
      const query = new URLSearchParams({ email, phone });
      fetch(`${url}?${query}`, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : ""))
        .then((html) => {
          const target = document.getElementById("prefill");
          target.innerHTML = html;
          const data = target.querySelector("[data-prefill]");
          if (!data) return;
          for (const [key, value] of Object.entries(data.dataset)) {
            if (key === "prefill" || !value) continue;
            const fields = form.querySelectorAll(`[name="${key}"]`);
            fields.forEach((field) => {
              if (field.type === "radio") field.checked = field.value === value;
              else if (!field.value || field.tagName === "SELECT") field.value = value;
            });
          }
        })
        .catch(() => {});
    };
    form.querySelectorAll("[data-lookup]").forEach((input) => input.addEventListener("change", lookup));
  }
  const done = document.querySelector("[data-kiosk-return]");
  if (done) {
    // A kiosk must not keep one visitor's ticket on screen for the next one.
    setTimeout(() => { window.location.href = done.dataset.kioskReturn; }, 90000);
  }
})();

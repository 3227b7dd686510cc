// Progressive enhancements shared by every page; no inline scripts (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autosubmit]").forEach((element) => {
    element.addEventListener("change", () => element.form && element.form.requestSubmit());
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});

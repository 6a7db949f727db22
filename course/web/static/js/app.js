// Progressive enhancement only: every page works without this file.
// With scripts on, htmx saves the attendance register on each tap, so its row buttons hide.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});

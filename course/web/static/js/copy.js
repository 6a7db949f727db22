// Copy buttons, progressive enhancement: a button[data-copy] copies the text of the element
// whose id it names and announces the result in the role="status" element named by
// data-copy-status. Without scripts or clipboard access the button stays hidden and the
// text is there to select by hand.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard || !window.isSecureContext) return;
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!source || !status) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      status.textContent = "";
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        status.textContent = button.dataset.copied;
      } catch {
        status.textContent = button.dataset.copyFailed;
      }
    });
  }
});

// "Copy link" buttons: <button data-copy="input-id" hidden>. Without script the button stays hidden and the
// read-only field can still be selected and copied by hand.
(() => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const input = document.getElementById(button.dataset.copy);
    const status = button.closest("section")?.querySelector("[role=status]");
    if (!input) continue;
    button.hidden = false;
    input.addEventListener("focus", () => input.select());
    button.addEventListener("click", async () => {
      input.select();
      let copied = false;
      try {
        // The clipboard API needs a secure context (HTTPS or localhost); fall back for plain-HTTP intranets.
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(input.value);
          copied = true;
        } else {
          copied = document.execCommand("copy");
        }
      } catch {
        copied = false;
      }
      if (status) status.textContent = copied ? "Link copied." : "Could not copy: select the link and copy it by hand.";
    });
  }
})();

// Live preview and privacy warnings for compose forms (<form data-compose data-preview-url="/api/orgs/{slug}/preview">).
// Only an improvement: without this script the form's Preview button renders the same on the server. The preview
// HTML comes from the server's sanitizing renderer, the one stored contributions go through; warnings are written
// as text, never as HTML.
(() => {
  "use strict";

  const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const delay = 450;

  const phrases = {
    PhoneNumber: "looks like a phone number.",
    EmailAddress: "looks like an e-mail address.",
    PostalAddress: "looks like a postal address.",
  };

  function describe(warning, field) {
    const phrase = phrases[warning.kind] ?? "looks like personal contact details.";
    return (field ? `In “${field}”: ` : "") + `“${warning.excerpt}” ${phrase}`;
  }

  function enhance(form) {
    const url = form.dataset.previewUrl;
    const body = form.querySelector("[data-compose-markdown]");
    const preview = form.querySelector("[data-compose-preview]");
    const previewBody = form.querySelector("[data-compose-preview-body]");
    const box = form.querySelector("[data-compose-warnings]");
    const list = form.querySelector("[data-compose-warning-list]");
    const announce = form.querySelector("[data-compose-announce]");
    if (!url || !body || !preview || !previewBody || !box || !list) return;

    // Warnings per source: "" for the text, the field's label for a structured field.
    const warnings = new Map();
    const pending = new Map();
    let announced = -1;

    function render() {
      const items = [];
      for (const [field, found] of warnings) {
        for (const warning of found) items.push(describe(warning, field));
      }
      list.replaceChildren(...items.map((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        return li;
      }));
      box.hidden = items.length === 0;
      if (announce && items.length !== announced) {
        announce.textContent = items.length === 0
          ? (announced > 0 ? "No privacy warnings." : "")
          : `${items.length} privacy ${items.length === 1 ? "warning" : "warnings"}: ${items.join(" ")}`;
        announced = items.length;
      }
    }

    async function check(field, text, showPreview) {
      pending.get(field)?.abort();
      if (!text.trim()) {
        warnings.delete(field);
        if (showPreview) {
          previewBody.replaceChildren();
          preview.hidden = true;
        }
        render();
        return;
      }
      const controller = new AbortController();
      pending.set(field, controller);
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": token },
          body: JSON.stringify({ markdown: text }),
          signal: controller.signal,
        });
        if (!response.ok) return;
        const result = await response.json();
        warnings.set(field, Array.isArray(result.warnings) ? result.warnings : []);
        if (showPreview && typeof result.html === "string") {
          previewBody.innerHTML = result.html;
          preview.hidden = false;
        }
        render();
      } catch {
        // Offline or aborted by a newer keystroke: the server-side Preview button still works.
      } finally {
        if (pending.get(field) === controller) pending.delete(field);
      }
    }

    function watch(input, field, showPreview) {
      let timer = 0;
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => check(field, input.value, showPreview), delay);
      });
      // Text already there (an edit, a refused post): lint it now, and preview it if a preview is already shown.
      if (input.value.trim()) check(field, input.value, showPreview && !preview.hidden);
    }

    watch(body, "", true);
    for (const input of form.querySelectorAll("[data-compose-lint]")) {
      watch(input, input.dataset.composeLint, false);
    }
  }

  for (const form of document.querySelectorAll("form[data-compose]")) enhance(form);
})();

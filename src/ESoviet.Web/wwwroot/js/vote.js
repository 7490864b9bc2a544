// Proposal pages, enhanced when script runs; everything here works without it too.
// - A character counter under every textarea with data-count="N" (the vote's reason), announced politely and only
//   when the count crosses a step, so a screen reader is not read every keystroke.
// - The vote form says "Sending…" once sent. A second press would be harmless (the form's idempotency key makes it
//   count once), but the button should not look as if nothing happened.
(() => {
  for (const area of document.querySelectorAll("textarea[data-count]")) {
    const max = Number(area.dataset.count);
    if (!max) continue;
    const counter = document.createElement("p");
    counter.id = `${area.id}-count`;
    counter.className = "field__hint field__count";
    counter.setAttribute("aria-live", "polite");
    // After the field's hint, so the limit is read first and the count just below it.
    const hint = document.getElementById(`${area.id}-hint`);
    (hint ?? area).after(counter);
    const described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);

    let lastStep = null;
    const update = () => {
      const left = max - area.value.length;
      const step = left <= 0 ? 0 : left <= 20 ? 1 : left <= 100 ? 2 : 3;
      const text = left >= 0 ? `${left} of ${max} characters left` : `${-left} characters too many`;
      counter.classList.toggle("field__count--low", left <= 20);
      // Rewrite the live region only when the step changes; otherwise update it silently.
      if (step !== lastStep) {
        counter.textContent = text;
        lastStep = step;
      } else {
        counter.firstChild.nodeValue = text;
      }
    };
    area.addEventListener("input", update);
    update();
  }

  for (const form of document.querySelectorAll("form[data-vote-form]")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (!button || button.dataset.sending) return;
      button.dataset.sending = "true";
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Sending…";
    });
  }
})();

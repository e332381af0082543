// Saves an answer (a practice's or a question's own) or a backlog item (owner, due date,
// status) as soon as one of its fields changes: the same form post as its Save button
// (CSRF token included, since it is a field of the form), sent with fetch, and "Saved" or
// the error shown beside the button. A milestone is saved when its form is submitted (a
// name is a deliberate act, not a change), the same way, without leaving the page.
// Without JavaScript every button posts its form as before.
"use strict";

(function () {
  const FORMS = "form.answer-form, form.question-form, form.item-form, form.custom-form"; // saved on change
  const SUBMITTED = "form.milestone-form"; // saved on submit
  const queues = new WeakMap(); // one save at a time per form, in the order of the changes

  function say(form, text, failed) {
    const out = form.querySelector(".save-state");
    if (!out) return;
    out.textContent = text;
    out.classList.toggle("failed", failed);
  }

  function errorText(response, body) {
    // The server answers a refused save with its error page: its message is the first paragraph.
    const page = new DOMParser().parseFromString(body, "text/html");
    const message = page.querySelector("main p");
    const text = message ? message.textContent.trim() : "";
    return "Not saved (" + response.status + (text ? "): " + text : ")");
  }

  async function save(form, done) {
    say(form, "Saving…", false);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "X-Mllens-Autosave": "1" },
        credentials: "same-origin",
      });
      if (response.redirected && new URL(response.url).pathname === "/login") {
        say(form, "Not saved: your session ended. Log in again (in another tab) and change the field again.", true);
      } else if (response.ok) {
        const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        say(form, (done ? done() + " " : "") + "Saved at " + time, false);
      } else {
        say(form, errorText(response, await response.text()), true);
      }
    } catch (error) {
      say(form, "Not saved: the server did not answer. Use the Save button when it is back.", true);
    }
  }

  for (const form of document.querySelectorAll(FORMS + ", " + SUBMITTED)) {
    form.classList.add("autosaves");
  }

  document.addEventListener("submit", function (event) {
    const saving = event.target instanceof Element ? event.target.closest(FORMS) : null;
    if (saving) {
      // The Save button of a form saved on change posts once the saves already sent are
      // done, so an earlier save never lands after it (and undoes it).
      event.preventDefault();
      const before = queues.get(saving) || Promise.resolve();
      before.then(function () { saving.submit(); });
      return;
    }
    const form = event.target instanceof Element ? event.target.closest(SUBMITTED) : null;
    if (!form) return;
    event.preventDefault(); // the browser checked the fields (required, maxlength) already
    const field = form.querySelector("input[name=milestone]");
    const name = field ? field.value : "";
    save(form, function () {
      if (field) field.value = "";
      return "Milestone " + name + " saved (reload to compare it).";
    });
  });

  document.addEventListener("change", function (event) {
    const target = event.target;
    const form = target instanceof Element ? target.closest(FORMS) : null;
    if (!form) return;
    const before = queues.get(form) || Promise.resolve();
    queues.set(form, before.then(function () { return save(form); }));
  });
})();

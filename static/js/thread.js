/* Dispute thread: post a comment without reloading the page (progressive enhancement).
 *
 * Without JavaScript the form posts normally and the server redirects back to the page.
 * With it, the form is sent with fetch (CSRF token in the form data and in a header); the
 * server answers with the rendered comment (201) or the reasons it was refused, both as
 * HTML fragments it escaped and sanitised, marked by the X-Thread-Fragment header.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-thread-form]");
  var thread = document.querySelector("[data-thread]");
  if (!form || !thread || !window.fetch || !window.FormData) {
    return;
  }
  var errors = form.querySelector("[data-comment-errors]");
  var empty = document.querySelector("[data-thread-empty]");
  var button = form.querySelector('button[type="submit"]');

  /* Parse server HTML inertly: nodes of a <template> never run scripts or load anything. */
  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function showError(content) {
    errors.replaceChildren(content);
  }

  function message(text) {
    var p = document.createElement("p");
    p.className = "comment-errors";
    p.setAttribute("data-testid", "comment-errors");
    p.textContent = text;
    return p;
  }

  function clearFieldErrors() {
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (field) {
      field.removeAttribute("aria-invalid");
    });
    form.querySelectorAll("small.error").forEach(function (small) {
      small.remove();
    });
  }

  function settle() {
    delete form.dataset.busy;
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (form.dataset.busy) {
      return; /* one post at a time: no double comments from a double click */
    }
    form.dataset.busy = "1";
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    var token = form.querySelector('input[name$="csrf_token"]');
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        var kind = response.headers.get("X-Thread-Fragment");
        return response.text().then(function (html) {
          if (response.status === 201 && kind === "comment") {
            thread.appendChild(fragment(html));
            form.reset();
            clearFieldErrors();
            errors.replaceChildren();
            if (empty) {
              empty.hidden = true;
            }
            thread.lastElementChild.scrollIntoView({ block: "nearest" });
          } else if (kind === "errors") {
            showError(fragment(html));
          } else if (response.redirected || response.status === 401) {
            showError(message("Your session has ended: sign in again, then post the comment."));
          } else {
            showError(
              message(
                "The comment was not posted (error " + response.status + "). " +
                  "Reload the page and try again."
              )
            );
          }
        });
      })
      .catch(function () {
        showError(message("The comment was not posted: the server could not be reached."));
      })
      .finally(settle);
  });
})();

/* @mention suggestions in the comment editor.
 *
 * Typing "@" and the start of a name asks the dispute's mention endpoint for colleagues
 * who may see the dispute; picking one (mouse, arrow keys + Enter/Tab) inserts the token
 * "@[Name](user:ID)" that the server turns into a mention and a notification.
 * Names are shown with textContent only: never parsed as HTML.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-mentions-url]");
  if (!form || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-mentions-url");
  var input = form.querySelector("textarea");
  var list = form.querySelector(".mention-list");
  if (!input || !list) {
    return;
  }
  var state = { start: -1, items: [], active: -1, seq: 0 };

  list.id = list.id || "mention-list";
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  /* The "@term" just before the caret, if the caret is in one. */
  function current() {
    var caret = input.selectionStart;
    var before = input.value.slice(0, caret);
    var match = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
    if (!match) {
      return null;
    }
    return { start: caret - match[2].length - 1, term: match[2] };
  }

  function close() {
    state.seq += 1; /* answers still on their way are ignored */
    state.items = [];
    state.active = -1;
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    state.active = index;
    Array.prototype.forEach.call(list.children, function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      if (i === index) {
        input.setAttribute("aria-activedescendant", option.id);
      }
    });
  }

  function choose(index) {
    var user = state.items[index];
    if (!user) {
      return;
    }
    var caret = input.selectionStart;
    var before = input.value.slice(0, state.start);
    var insert = user.token + " ";
    input.value = before + insert + input.value.slice(caret);
    var position = before.length + insert.length;
    input.focus();
    input.setSelectionRange(position, position);
    close();
  }

  function show(users) {
    list.replaceChildren();
    users.forEach(function (user, index) {
      var option = document.createElement("li");
      option.id = "mention-option-" + user.id;
      option.setAttribute("role", "option");
      option.setAttribute("data-testid", "mention-option");
      option.textContent = user.name;
      var role = document.createElement("small");
      role.textContent = " " + user.role;
      option.appendChild(role);
      /* mousedown, not click: the textarea keeps its focus and its caret */
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(index);
      });
      list.appendChild(option);
    });
    list.hidden = users.length === 0;
    input.setAttribute("aria-expanded", users.length ? "true" : "false");
    if (users.length) {
      highlight(0);
    }
  }

  function suggest() {
    var at = current();
    if (!at) {
      close();
      return;
    }
    state.start = at.start;
    state.seq += 1;
    var seq = state.seq;
    fetch(url + "?q=" + encodeURIComponent(at.term), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { users: [] };
      })
      .then(function (data) {
        if (seq !== state.seq) {
          return; /* the user typed on: a newer request decides */
        }
        state.items = Array.isArray(data.users) ? data.users : [];
        show(state.items);
      })
      .catch(close);
  }

  input.addEventListener("input", suggest);
  input.addEventListener("blur", close);
  form.addEventListener("reset", close);
  input.addEventListener("keydown", function (event) {
    if (list.hidden || !state.items.length) {
      return;
    }
    var count = state.items.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((state.active + 1) % count);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((state.active - 1 + count) % count);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(state.active < 0 ? 0 : state.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
})();

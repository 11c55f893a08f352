// Progressive enhancement only; every page works without JavaScript.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Searchable pickers: fetch the matches while the user types (the "Zoeken" button does the
// same without JavaScript by re-rendering the form).
document.querySelectorAll("[data-picker-url]").forEach((box) => {
  const input = box.querySelector("input[type=search]");
  const select = box.querySelector("select");
  const more = box.querySelector(".picker-more");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const url = new URL(box.dataset.pickerUrl, window.location.href);
      url.searchParams.set("q", input.value);
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      const keep = select.value;
      const empty = select.options[0];
      select.replaceChildren(empty);
      for (const item of data.items) {
        select.add(new Option(item.label, item.id, false, String(item.id) === keep));
      }
      if (more) more.hidden = !data.more;
    }, 250);
  });
});

// Wide tables scroll inside their own box instead of widening the page (phones, long
// schedules); the CSS styles .table-wrap. Tables already wrapped by a template are left.
document.querySelectorAll("main table").forEach((table) => {
  if (table.parentElement.classList.contains("table-wrap")) return;
  const box = document.createElement("div");
  box.className = "table-wrap";
  table.replaceWith(box);
  box.appendChild(table);
});

// A form that came back with errors is shown open, and the first wrong field gets the
// focus (so a screen reader announces it and the page scrolls to it).
document.querySelectorAll("details").forEach((fold) => {
  if (fold.querySelector(".has-error, .error")) fold.open = true;
});
const firstError = document.querySelector(".has-error input, .has-error select, .has-error textarea");
if (firstError) firstError.focus();

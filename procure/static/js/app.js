// Progressive enhancement only; every page works without JavaScript.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
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

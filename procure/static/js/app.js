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

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) { node.className = cls; }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

function render({ model, el: root }) {
  root.classList.add("cm-table");
  const bar = el("div", "cm-table-bar");
  const search = el("input", "cm-search");
  search.type = "search";
  const status = el("span", "cm-table-status");
  bar.append(search, status);
  const table = el("table", "cm-grid");
  const thead = el("thead");
  const tbody = el("tbody");
  table.append(thead, tbody);
  const pager = el("div", "cm-pager");
  const prev = el("button", "cm-page-button");
  const next = el("button", "cm-page-button");
  prev.type = next.type = "button";
  pager.append(prev, next);
  root.append(bar, table, pager);

  let timer = null;
  search.addEventListener("input", () => {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(() => { model.set("query", search.value); model.save_changes(); }, 120);
  });
  prev.addEventListener("click", () => model.send({ kind: "page", step: -1 }));
  next.addEventListener("click", () => model.send({ kind: "page", step: 1 }));

  function draw() {
    const labels = model.get("labels");
    const columns = model.get("columns");
    const sort = model.get("sort");
    search.placeholder = labels.search || "";
    if (document.activeElement !== search && search.value !== model.get("query")) {
      search.value = model.get("query");
    }
    status.textContent = model.get("status");
    prev.textContent = "‹ " + (labels.prev || "");
    next.textContent = (labels.next || "") + " ›";
    const page = model.get("page"), pages = model.get("pages");
    prev.hidden = page <= 0;
    next.hidden = page >= pages - 1;
    pager.hidden = pages <= 1;

    const head = el("tr");
    for (const column of columns) {
      const th = el("th", "cm-col-" + column.id + (column.numeric ? " cm-num" : ""));
      const button = el("button", "cm-th", column.label);
      button.type = "button";
      button.title = labels.sort || "";
      if (sort.column === column.id) {
        button.textContent += sort.descending ? " ▼" : " ▲";
        th.setAttribute("aria-sort", sort.descending ? "descending" : "ascending");
      }
      button.addEventListener("click", () => model.send({ kind: "sort", column: column.id }));
      th.append(button);
      head.append(th);
    }
    thead.replaceChildren(head);

    const rows = model.get("rows");
    const body = [];
    for (const row of rows) {
      const tr = el("tr", "cm-tr");
      const nameCell = el("td", "cm-col-name");
      const link = el("button", "cm-row-name", row.name);
      link.type = "button";
      link.dataset.uscc = row.uscc;
      link.addEventListener("click", () => model.send({ kind: "open", uscc: row.uscc }));
      nameCell.append(link);
      tr.append(nameCell);
      row.cells.forEach((text, i) => {
        const column = columns[i + 1];
        tr.append(el("td", "cm-col-" + column.id + (column.numeric ? " cm-num" : ""), text));
      });
      body.push(tr);
    }
    if (!rows.length) {
      const tr = el("tr");
      const td = el("td", "cm-empty", labels.empty || "");
      td.colSpan = columns.length;
      tr.append(td);
      body.push(tr);
    }
    tbody.replaceChildren(...body);
  }

  for (const name of ["rows", "columns", "labels", "sort", "status", "page", "pages", "query"]) {
    model.on("change:" + name, draw);
  }
  draw();
}

export default { render };

// "Add a row" in the CV and plan forms: copies the table's empty row from its <template>,
// numbered after the rows already there, and raises the count the server reads
// (<section>-rows). Without this script the form works as before: the server adds
// empty rows after each save.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("[data-rows]")) {
    const count = table.querySelector("[data-row-count]");
    const list = table.querySelector("[data-row-list]");
    const template = table.querySelector("template[data-row-template]");
    const withScript = table.querySelector("[data-rows-with-script]");
    const button = table.querySelector("[data-add-row]");
    if (!count || !list || !template || !withScript || !button) continue;
    const max = Number(table.dataset.maxRows) || 100;

    const refresh = () => {
      button.disabled = Number(count.value) >= max;
    };

    button.addEventListener("click", () => {
      const index = Number(count.value);
      if (!Number.isInteger(index) || index < 0 || index >= max) return;
      const row = template.content.cloneNode(true);
      for (const element of row.querySelectorAll("[id], [name], [for], [aria-describedby]")) {
        for (const attribute of ["id", "name", "for", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value !== null) element.setAttribute(attribute, value.replaceAll("__ROW__", String(index)));
        }
      }
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        walker.currentNode.nodeValue = walker.currentNode.nodeValue.replaceAll("__NUMBER__", String(index + 1));
      }
      const first = row.querySelector("input, select, textarea");
      list.appendChild(row);
      count.value = String(index + 1);
      refresh();
      if (first) first.focus();
    });

    for (const hint of table.querySelectorAll("[data-rows-without-script]")) hint.hidden = true;
    withScript.hidden = false;
    refresh();
  }
});

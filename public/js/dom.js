// Small DOM helpers: element creation without innerHTML (so service text is never parsed as HTML).

/**
 * Creates an element. `attributes` keys: `class`, `text`, `dataset` (object), `on` (event -> handler),
 * boolean values set/omit the attribute, anything else is set with setAttribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    else if (key === 'style' && typeof value === 'object') {
      for (const [property, setting] of Object.entries(value)) {
        if (property.startsWith('--')) element.style.setProperty(property, setting);
        else element.style[property] = setting;
      }
    }
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

export const byId = (id) => document.getElementById(id);

/** Reads a CSS custom property (e.g. '--text') from the document, for canvas drawing. */
export function cssVariable(name, element = document.documentElement) {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

/** Starts a download of `text` as a file. */
export function downloadText(filename, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Keeps `list`'s children in the order of `records` (each with an `id`), one row per record: made once by
 * `create(record)` (an object with an `element`), refreshed by `update(row, record)`, kept in `rows` (a Map by id)
 * between calls, and removed when its record is gone. Rows already in place are not moved, so focus and scroll stay.
 */
export function syncKeyedList(list, rows, records, create, update) {
  const seen = new Set();
  records.forEach((record, index) => {
    seen.add(record.id);
    let row = rows.get(record.id);
    if (!row) {
      row = create(record);
      rows.set(record.id, row);
    }
    update(row, record);
    if (list.children[index] !== row.element) list.insertBefore(row.element, list.children[index] || null);
  });
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.element.remove();
      rows.delete(id);
    }
  }
}

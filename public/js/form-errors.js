// A form's validation errors: each of the service's details ({field, message}) next to the field whose
// wrapper has that data-field (or its closest parent: "task.positive" -> "task"), the rest in the form's
// alert. Shared by the training and sweep forms, so both show a 400 the same way.
import { h } from './dom.js';

export class FormErrors {
  /**
   * @param {HTMLFormElement} form
   * @param {HTMLElement} alert the form's role="alert" element, for errors no field takes
   * @param {{fieldFor?: (field: string) => string}} options maps a detail's field to the form's data-field
   */
  constructor(form, alert, { fieldFor = (field) => field } = {}) {
    this.form = form;
    this.alert = alert;
    this.fieldFor = fieldFor;
  }

  /** Puts each detail next to its field; focuses the first such field. */
  show(details, summary) {
    const unplaced = [];
    let first = null;
    for (const { field, message } of details) {
      const wrapper = this.wrapper(field);
      if (!wrapper) {
        unplaced.push(field ? `${field}: ${message}` : message);
        continue;
      }
      if (wrapper.closest('details')) wrapper.closest('details').open = true;
      let note = wrapper.querySelector(':scope > .field-error');
      if (!note) {
        note = h('p', { class: 'field-error', id: `${this.form.id}-${wrapper.dataset.field.replace(/\W/g, '-')}-error` });
        wrapper.append(note);
      }
      note.textContent = note.textContent ? `${note.textContent}; ${message}` : message;
      wrapper.classList.add('invalid');
      const control = wrapper.querySelector('input:not([type="radio"]):not([type="checkbox"]), select') || wrapper.querySelector('input');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        const describedBy = new Set((control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
        describedBy.add(note.id);
        control.setAttribute('aria-describedby', [...describedBy].join(' '));
        first ??= control;
      }
    }
    if (unplaced.length) this.showGeneral(unplaced.join('\n'));
    else if (summary && !first) this.showGeneral(summary);
    if (first && this.alert.hidden) {
      const placed = details.length - unplaced.length;
      this.alert.textContent = `${placed === 1 ? 'One field needs' : `${placed} fields need`} attention.`;
      this.alert.hidden = false;
    }
    first?.focus();
  }

  /** The visible wrapper of a detail's field, or of its closest parent; null when none shows. */
  wrapper(field) {
    if (!field) return null;
    const parts = this.fieldFor(field).split('.');
    while (parts.length) {
      const wrapper = this.form.querySelector(`[data-field="${CSS.escape(parts.join('.'))}"]`);
      if (wrapper && !wrapper.hidden && !wrapper.closest('[hidden]')) return wrapper;
      parts.pop();
    }
    return null;
  }

  showGeneral(message) {
    this.alert.textContent = message;
    this.alert.hidden = false;
  }

  clearField(wrapper) {
    if (!wrapper || !wrapper.classList.contains('invalid')) return;
    wrapper.classList.remove('invalid');
    const note = wrapper.querySelector(':scope > .field-error');
    for (const control of wrapper.querySelectorAll('[aria-invalid]')) {
      control.removeAttribute('aria-invalid');
      if (note) {
        const rest = (control.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== note.id);
        if (rest.length) control.setAttribute('aria-describedby', rest.join(' '));
        else control.removeAttribute('aria-describedby');
      }
    }
    note?.remove();
  }

  clear() {
    for (const wrapper of this.form.querySelectorAll('.invalid')) this.clearField(wrapper);
    this.alert.hidden = true;
    this.alert.textContent = '';
  }
}

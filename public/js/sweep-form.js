// The sweep form: the training form's current request is the base, and this form adds the grid (one field,
// a range, log or linear spacing), cross-validation, the metric and the alias of the best point. It sends
// POST /sweeps and shows a 400's details next to its fields, as the training form does.
import { api, ApiError } from './api.js';
import { byId } from './dom.js';
import { FormErrors } from './form-errors.js';
import { shortId } from './format.js';

/** The fields a sweep can vary from this form, with a range to suggest when one is picked. */
export const GRID_FIELDS = {
  'regularization.lambda': { label: 'Lambda λ', from: 1, to: 0.0001, count: 5, spacing: 'log' },
  'regularization.C': { label: 'C (1/λ)', from: 0.01, to: 100, count: 5, spacing: 'log' },
  'regularization.l1_ratio': { label: 'L1 ratio (elastic net)', from: 0.1, to: 0.9, count: 5, spacing: 'linear' },
  learning_rate: { label: 'Learning rate', from: 1, to: 0.001, count: 4, spacing: 'log' },
  momentum: { label: 'Momentum β₁', from: 0.5, to: 0.99, count: 4, spacing: 'linear' },
  batch_size: { label: 'Batch size', from: 16, to: 512, count: 6, spacing: 'log', integer: true },
  epochs: { label: 'Epochs', from: 5, to: 40, count: 4, spacing: 'linear', integer: true },
  hidden: { label: 'Hidden units (MLP)', from: 16, to: 256, count: 5, spacing: 'log', integer: true },
};

/**
 * A grid key's values as POST /sweeps takes them: `{log_space | linear_space: [from, to, count]}`, or for a
 * whole-number field the rounded, distinct values as a list (a range's values are fractions).
 */
export function gridValues(key, { from, to, count, spacing }) {
  const range = [from, to, count];
  if (!GRID_FIELDS[key]?.integer) return spacing === 'log' ? { log_space: range } : { linear_space: range };
  const values = [];
  for (let i = 0; i < count; i++) {
    const t = count > 1 ? i / (count - 1) : 0;
    const value = spacing === 'log' ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from))) : from + t * (to - from);
    const rounded = Math.round(value);
    if (!values.includes(rounded)) values.push(rounded);
  }
  return values;
}

/**
 * The POST /sweeps body: the base training request (its name moves to the sweep, which needs one) and the
 * sweep's own settings. `cvFolds` and `promote` are left out when empty.
 */
export function sweepRequest(base, { name, key, from, to, count, spacing, cvFolds, metric, promote }) {
  const { name: baseName, ...rest } = base;
  const body = {
    name: name || baseName || `${base.dataset || 'model'}-sweep`,
    base: rest,
    grid: { [key]: gridValues(key, { from, to, count, spacing }) },
    metric,
  };
  if (cvFolds !== undefined) body.cv_folds = cvFolds;
  if (promote) body.promote = promote;
  return body;
}

export class SweepForm {
  /**
   * @param {{baseRequest: () => object | null}} trainForm the training form, whose request is the base
   * @param {{onSubmitted: (sweep) => void}} hooks
   */
  constructor(trainForm, { onSubmitted }) {
    this.trainForm = trainForm;
    this.onSubmitted = onSubmitted;
    this.form = byId('sweep-form');
    // The service names a bad point's field ("regularization.lambda"): the grid's field is the one to mark.
    this.errors = new FormErrors(this.form, byId('sweep-error'), {
      fieldFor: (field) => (field === 'grid' || field.startsWith('grid.') || field === this.value('key') ? 'grid' : field),
    });
    this.form.addEventListener('input', (event) => this.errors.clearField(event.target.closest('[data-field]')));
    this.form.addEventListener('change', (event) => {
      this.errors.clearField(event.target.closest('[data-field]'));
      if (event.target.name === 'key') this.suggestRange();
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.suggestRange();
  }

  value(name) {
    // A radio group's RadioNodeList has the checked one's value too.
    return this.form.elements.namedItem(name).value;
  }

  /** Fills the range with the picked field's usual one. */
  suggestRange() {
    const field = GRID_FIELDS[this.value('key')];
    if (!field) return;
    this.form.elements.namedItem('from').value = String(field.from);
    this.form.elements.namedItem('to').value = String(field.to);
    this.form.elements.namedItem('count').value = String(field.count);
    this.form.querySelector(`input[name="spacing"][value="${field.spacing}"]`).checked = true;
  }

  /** A number field's value; undefined when blank; a field error when it is not a number. */
  number(name, errors) {
    const control = this.form.elements.namedItem(name);
    const raw = control.value.trim();
    if (control.validity.badInput || (raw !== '' && !Number.isFinite(Number(raw)))) {
      errors.push({ field: control.closest('[data-field]').dataset.field, message: 'enter a number' });
      return undefined;
    }
    return raw === '' ? undefined : Number(raw);
  }

  /** The POST /sweeps body, or null after showing what to correct. Ranges are the service's to check. */
  buildRequest() {
    const base = this.trainForm.baseRequest();
    if (!base) {
      this.errors.showGeneral('The training form, the base of every point, has fields to correct.');
      return null;
    }
    const errors = [];
    const settings = {
      name: this.value('name').trim(),
      key: this.value('key'),
      from: this.number('from', errors),
      to: this.number('to', errors),
      count: this.number('count', errors),
      spacing: this.value('spacing'),
      cvFolds: this.number('cv_folds', errors),
      metric: this.value('metric'),
      promote: this.value('promote').trim(),
    };
    for (const name of ['from', 'to', 'count']) {
      if (settings[name] === undefined && !errors.length) errors.push({ field: 'grid', message: `give the range's ${name}` });
    }
    if (errors.length) {
      this.errors.show(errors, 'Please correct the highlighted fields.');
      return null;
    }
    return sweepRequest(base, settings);
  }

  async submit() {
    this.errors.clear();
    const status = byId('sweep-status');
    status.textContent = '';
    const body = this.buildRequest();
    if (!body) return;
    const button = byId('sweep-submit');
    button.disabled = true;
    status.textContent = 'Submitting…';
    try {
      const sweep = await api.sweep(body);
      status.textContent = `Sweep ${shortId(sweep.id)} queued: ${sweep.points.length} points of “${sweep.name}”.`;
      this.onSubmitted?.(sweep);
    } catch (error) {
      status.textContent = '';
      if (error instanceof ApiError && error.details.length) this.errors.show(error.details, error.message);
      else this.errors.showGeneral(error.message);
    } finally {
      button.disabled = false;
    }
  }
}

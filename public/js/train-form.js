// The training form: fills in the service's defaults (which depend on the model and optimiser), shows
// only the fields that apply, builds the POST /train body and shows validation errors by field.
import { api, ApiError } from './api.js';
import { h, byId, replaceChildren } from './dom.js';
import { FormErrors } from './form-errors.js';
import { shortId } from './format.js';

const MINI_BATCH = new Set(['sgd', 'momentum', 'adam']);

/** Rows per step the form suggests for a linear model's mini-batch optimiser: the service has no default there
 * (it asks for a batch_size). */
const MINI_BATCH_SUGGESTION = 128;

/**
 * The defaults of the fields that depend on other choices, from the service's table (GET /train/defaults).
 * @param {object} defaults the table
 * @param {{model?: string, optimizer?: string, regularization?: string, binary?: boolean}} choices
 */
export function serviceDefaults(defaults, { model, optimizer, regularization, binary }) {
  const chosenModel = model || (binary ? defaults.model.binary : defaults.model.multiclass);
  const chosenOptimizer = optimizer
    || (chosenModel === 'mlp' ? defaults.optimizer.mlp
      : ['l1', 'elastic_net'].includes(regularization) ? defaults.optimizer.full_batch_non_smooth
        : defaults.optimizer.full_batch);
  const miniBatch = MINI_BATCH.has(chosenOptimizer);
  return {
    model: chosenModel,
    optimizer: chosenOptimizer,
    learning_rate: defaults.learning_rate[chosenOptimizer],
    batch_size: chosenModel === 'mlp' ? defaults.batch_size.mlp : miniBatch ? MINI_BATCH_SUGGESTION : defaults.batch_size.linear,
    epochs: chosenModel === 'mlp' ? defaults.mlp_epochs : defaults.epochs[chosenOptimizer],
    // Empty for L-BFGS: the service chooses by the fit's size (small_fit), which the form does not know.
    tolerance: chosenOptimizer === 'lbfgs' ? '' : defaults.tolerance[chosenOptimizer],
  };
}

/** The values that never depend on other fields, from the service's table (GET /train/defaults). */
export function fixedDefaults(defaults) {
  return {
    hidden: defaults.hidden, activation: defaults.activation, regularization: defaults.regularization.type,
    lambda: defaults.regularization.lambda, l1_ratio: defaults.regularization.l1_ratio,
    schedule: defaults.schedule.type, decay_steps: defaults.schedule.decay_steps, every: defaults.schedule.every,
    factor: defaults.schedule.step_factor, momentum: defaults.momentum, nesterov: defaults.nesterov,
    early_stopping: false, patience: defaults.early_stopping.patience,
    restore_best: defaults.early_stopping.restore_best, min_delta: defaults.early_stopping.min_delta,
    seed: defaults.seed, train_size: '', validation_fraction: defaults.validation_fraction,
    eval_every: defaults.eval_every, name: '',
  };
}

export class TrainForm {
  constructor({ onSubmitted }) {
    this.form = byId('train-form');
    this.errors = new FormErrors(this.form, byId('train-error'));
    this.onSubmitted = onSubmitted;
    this.datasets = [];
    this.touched = new Set(); // names of fields the user has changed: their values are kept

    this.form.addEventListener('input', (event) => this.onInput(event));
    this.form.addEventListener('change', (event) => this.onInput(event));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    byId('train-reset').addEventListener('click', () => this.reset());
    this.defaults = null; // the service's table (GET /train/defaults), loaded by load()
  }

  control(name) {
    return this.form.elements.namedItem(name);
  }

  value(name) {
    const control = this.control(name);
    return control.type === 'checkbox' ? control.checked : control.value;
  }

  setValue(name, value) {
    const control = this.control(name);
    if (control.type === 'checkbox') control.checked = Boolean(value);
    else control.value = String(value);
  }

  /** Loads the service's training defaults and data sets, then fills the form. */
  async load() {
    try {
      [this.defaults, this.datasets] = await Promise.all([api.trainingDefaults(), api.datasets()]);
    } catch (error) {
      this.showGeneralError(`Could not load the training defaults and data sets: ${error.message}`);
      return;
    }
    const select = this.control('dataset');
    const current = select.value;
    replaceChildren(select, this.datasets.map((dataset) => h('option', { value: dataset.name, text: dataset.name })));
    select.value = this.datasets.some((dataset) => dataset.name === current) ? current : (this.datasets[0]?.name ?? '');
    this.reset();
  }

  get dataset() {
    return this.datasets.find((dataset) => dataset.name === this.value('dataset'));
  }

  get binary() {
    return this.form.querySelector('input[name="task-type"]:checked').value === 'binary';
  }

  /** Rebuilds the class pickers and applies the data set's default task. */
  onDatasetChanged() {
    const dataset = this.dataset;
    if (!dataset) return;
    byId('train-dataset-hint').textContent = dataset.description || '';
    const defaultTask = dataset.default_task || { type: 'multiclass' };
    for (const side of ['positive', 'negative']) {
      const chosen = new Set(defaultTask[side] || []);
      replaceChildren(byId(`task-${side}`), dataset.classes.map((label) => {
        const id = `task-${side}-${label}`;
        return h('span', { class: 'chip-check' },
          h('input', { type: 'checkbox', id, name: `task-${side}`, value: label, checked: chosen.has(label) }),
          h('label', { for: id, text: String(label) }));
      }));
    }
    this.form.querySelector(`input[name="task-type"][value="${defaultTask.type}"]`).checked = true;
    this.touched.delete('model');
    this.refresh();
  }

  onInput(event) {
    const name = event.target.name;
    if (!name) return;
    if (name === 'dataset') return event.type === 'change' && this.onDatasetChanged();
    if (!name.startsWith('task-')) this.touched.add(name);
    else this.touched.delete('model'); // a new task type brings its own default model
    this.errors.clearField(event.target.closest('[data-field]'));
    this.refresh();
  }

  reset() {
    if (!this.defaults) return;
    this.touched.clear();
    for (const [name, value] of Object.entries(fixedDefaults(this.defaults))) this.setValue(name, value);
    this.form.querySelector('input[name="task-type"][value="multiclass"]').checked = true;
    this.clearErrors();
    byId('train-status').textContent = '';
    if (this.datasets.length) this.onDatasetChanged();
    else this.refresh();
  }

  /** Fills untouched fields with the current defaults and shows the fields that apply. */
  refresh() {
    const binary = this.binary;
    const pick = (name) => (this.touched.has(name) ? this.value(name) : undefined);
    if (!this.defaults) return;
    const defaults = serviceDefaults(this.defaults, {
      model: pick('model'), optimizer: pick('optimizer'), regularization: this.value('regularization'), binary,
    });
    for (const name of ['model', 'optimizer', 'learning_rate', 'batch_size', 'epochs', 'tolerance']) {
      if (!this.touched.has(name)) this.setValue(name, defaults[name]);
    }
    const model = this.value('model');
    const optimizer = this.value('optimizer');
    const regularization = this.value('regularization');
    const schedule = this.value('schedule');
    this.control('model').querySelector('option[value="logistic"]').disabled = !binary;
    this.control('schedule').querySelector('option[value="line_search"]').disabled = optimizer !== 'gd';

    const visible = {
      mlp: model === 'mlp',
      penalty: regularization !== 'none',
      'elastic-net': regularization === 'elastic_net',
      momentum: optimizer === 'momentum' || optimizer === 'adam',
      nesterov: optimizer === 'momentum',
      'schedule-inverse-time': schedule === 'inverse_time',
      'schedule-step': schedule === 'step',
      'schedule-factor': schedule === 'step' || schedule === 'exponential',
      'early-stopping': this.value('early_stopping'),
    };
    for (const field of this.form.querySelectorAll('[data-show]')) field.hidden = !visible[field.dataset.show];
    byId('task-classes').hidden = !binary;
    byId('early-stopping-options').hidden = !this.value('early_stopping');
    if (!this.touched.has('factor')) {
      this.setValue('factor', schedule === 'exponential' ? this.defaults.schedule.exponential_factor : this.defaults.schedule.step_factor);
    }

    byId('train-learning-rate-hint').textContent = optimizer === 'lbfgs'
      ? 'L-BFGS ignores it (line search).' : model === 'ridge' ? 'Ridge is solved in closed form.' : '';
    byId('train-model-hint').textContent = {
      softmax: 'Multinomial logistic regression', logistic: 'Sigmoid, two classes', ovr: 'One logistic model per class',
      ridge: 'Least squares, closed form', mlp: 'One hidden layer, backprop',
    }[model] || '';
    byId('train-optimizer-hint').textContent = MINI_BATCH.has(optimizer) ? 'Mini-batch' : 'Full batch';
    byId('train-batch-size-hint').textContent = MINI_BATCH.has(optimizer) ? 'Rows per update' : '0 = full batch';
  }

  /** Reads a number field; returns undefined when blank, throws a field error for bad input. */
  numberField(name, errors) {
    const control = this.control(name);
    const raw = control.value.trim();
    if (control.validity.badInput) {
      errors.push({ field: control.closest('[data-field]').dataset.field, message: 'enter a number' });
      return undefined;
    }
    if (raw === '') return undefined;
    const value = Number(raw);
    const fieldName = control.closest('[data-field]').dataset.field;
    if (control.hasAttribute('data-integer') && !Number.isInteger(value)) {
      errors.push({ field: fieldName, message: 'enter a whole number' });
    } else if (control.hasAttribute('data-non-negative') && value < 0) {
      errors.push({ field: fieldName, message: 'must be 0 or more' });
    }
    return value;
  }

  /** The POST /train body for what the form shows, plus client-side type errors. */
  buildPlan() {
    const errors = [];
    const number = (name) => this.numberField(name, errors);
    const plan = {};
    const put = (key, value) => { if (value !== undefined && value !== '') plan[key] = value; };

    put('name', this.value('name').trim());
    put('dataset', this.value('dataset'));
    if (this.binary) {
      const chosen = (side) => [...this.form.querySelectorAll(`input[name="task-${side}"]:checked`)].map((box) => Number(box.value));
      const task = { type: 'binary', positive: chosen('positive') };
      const negative = chosen('negative');
      if (negative.length) task.negative = negative;
      plan.task = task;
    } else {
      plan.task = { type: 'multiclass' };
    }
    const model = this.value('model');
    const optimizer = this.value('optimizer');
    put('model', model);
    if (model === 'mlp') {
      put('hidden', number('hidden'));
      put('activation', this.value('activation'));
    }
    const regularization = { type: this.value('regularization') };
    if (regularization.type !== 'none') {
      const lambda = number('lambda');
      if (lambda !== undefined) regularization.lambda = lambda;
    }
    if (regularization.type === 'elastic_net') {
      const ratio = number('l1_ratio');
      if (ratio !== undefined) regularization.l1_ratio = ratio;
    }
    plan.regularization = regularization;
    put('optimizer', optimizer);
    put('learning_rate', number('learning_rate'));
    if (optimizer === 'momentum' || optimizer === 'adam') put('momentum', number('momentum'));
    if (optimizer === 'momentum') put('nesterov', this.value('nesterov'));

    const schedule = { type: this.value('schedule') };
    if (schedule.type === 'inverse_time') schedule.decay_steps = number('decay_steps');
    if (schedule.type === 'step') schedule.every = number('every');
    if (schedule.type === 'step' || schedule.type === 'exponential') schedule.factor = number('factor');
    for (const key of Object.keys(schedule)) if (schedule[key] === undefined) delete schedule[key];
    plan.schedule = schedule;

    put('batch_size', number('batch_size'));
    put('epochs', number('epochs'));
    if (this.value('early_stopping')) {
      const early = { restore_best: this.value('restore_best') };
      const patience = number('patience');
      const minDelta = number('min_delta');
      if (patience !== undefined) early.patience = patience;
      if (minDelta !== undefined) early.min_delta = minDelta;
      plan.early_stopping = early;
    }
    put('seed', number('seed'));
    put('train_size', number('train_size'));
    put('validation_fraction', number('validation_fraction'));
    put('eval_every', number('eval_every'));
    put('tolerance', number('tolerance'));
    return { plan, errors };
  }

  /**
   * The POST /train body the form shows, as the base of a sweep (sweep-form.js); null after showing the
   * form's own errors (a field that is not a number) next to its fields.
   */
  baseRequest() {
    this.clearErrors();
    const { plan, errors } = this.buildPlan();
    if (!errors.length) return plan;
    this.showErrors(errors, 'Please correct the highlighted fields.');
    return null;
  }

  async submit() {
    this.clearErrors();
    const status = byId('train-status');
    const { plan, errors } = this.buildPlan();
    if (errors.length) {
      this.showErrors(errors, 'Please correct the highlighted fields.');
      status.textContent = '';
      return;
    }
    const button = byId('train-submit');
    button.disabled = true;
    status.textContent = 'Submitting…';
    try {
      const job = await api.train(plan);
      status.textContent = `Job ${shortId(job.id)} queued for model “${job.request.name}”.`;
      this.onSubmitted?.(job);
    } catch (error) {
      status.textContent = '';
      if (error instanceof ApiError && error.details.length) this.showErrors(error.details, error.message);
      else this.showGeneralError(error.message);
    } finally {
      button.disabled = false;
    }
  }

  /** Puts each detail next to its field (or its closest parent, e.g. "task.positive" -> "task"). */
  showErrors(details, summary) {
    this.errors.show(details, summary);
  }

  showGeneralError(message) {
    this.errors.showGeneral(message);
  }

  clearErrors() {
    this.errors.clear();
  }
}

// Model gallery: a card per model, its versions table, and a version view with the metrics,
// confusion-matrix heat map, weight / mean / misclassified images, aliases and the HDF5 download.
import { api, urls } from './api.js';
import { h, byId, replaceChildren } from './dom.js';
import { percent, number, seconds, relativeTime, dateTime } from './format.js';
import { takesImages } from './models.js';

export class Gallery {
  /** @param {import('./models.js').ModelStore} store */
  constructor(store, { onPlotVersion }) {
    this.store = store;
    this.onPlotVersion = onPlotVersion;
    this.selected = null; // {name, version}
    this.metricsCache = new Map();
    store.addEventListener('change', () => this.render());
    byId('models-refresh').addEventListener('click', () => store.refresh());
  }

  render() {
    // Skip when nothing visible changed (a refresh after each job), so focus and typed text survive.
    const signature = JSON.stringify([this.store.error?.message, this.selected,
      this.store.models.map((model) => [model.name, model.aliases, model.versions.map((version) => version.version)])]);
    if (signature === this.signature && !this.aliasMessage) return this.rendering;
    this.signature = signature;
    const { models, error } = this.store;
    byId('models-error').hidden = !error;
    byId('models-error').textContent = error ? `Could not load models: ${error.message}` : '';
    byId('models-empty').hidden = models.length > 0 || Boolean(error);
    replaceChildren(byId('models-grid'), models.map((model) => this.modelCard(model)));
    if (this.selected && !this.store.find(this.selected.name)) this.selected = null;
    this.renderVersions();
    this.rendering = this.renderDetail();
    return this.rendering;
  }

  modelCard(model) {
    const latest = model.versions[0];
    const isSelected = this.selected?.name === model.name;
    const aliases = Object.entries(model.aliases || {});
    return h('button', {
      type: 'button', class: 'model-card', 'aria-pressed': String(isSelected), dataset: { model: model.name },
      on: { click: () => this.select(model.name, latest?.version) },
    },
    h('div', { class: 'model-card-thumb' }, takesImages(latest)
      ? h('img', { src: urls.weights(model.name, latest.version, { scale: 2 }), alt: '', width: 252, height: 224 })
      : h('span', { class: 'thumb-placeholder', text: `${latest?.input?.shape?.[1] ?? '?'} features` })),
    h('div', { class: 'model-card-body' },
      h('div', { class: 'model-card-title' },
        h('span', { class: 'model-card-name', text: model.name }),
        h('span', { class: 'model-card-accuracy', text: percent(latest?.metrics?.accuracy) })),
      h('div', { class: 'model-card-meta', text: `${latest?.kind ?? ''} · ${latest?.dataset ?? ''} · ${model.version_count} version${model.version_count === 1 ? '' : 's'}` }),
      aliases.length ? h('div', { class: 'tags' }, aliases.map(([alias, version]) => h('span', { class: 'tag', text: `${alias} → v${version}` }))) : null));
  }

  /** Selects a model and one of its versions (a number, "latest" or an alias); optionally scrolls to it. */
  async select(name, reference, { scroll = false } = {}) {
    if (!this.store.find(name)) await this.store.refresh();
    const version = this.store.version(name, reference ?? 'latest');
    if (!version) {
      byId('models-error').textContent = `There is no model “${name}” version ${reference ?? ''}.`;
      byId('models-error').hidden = false;
      return;
    }
    this.selected = { name, version: version.version };
    for (const card of byId('models-grid').children) card.setAttribute('aria-pressed', String(card.dataset.model === name));
    this.renderVersions();
    this.rendering = this.renderDetail();
    await this.rendering;
    if (scroll) byId('version-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  renderVersions() {
    const container = byId('model-versions');
    const model = this.selected && this.store.find(this.selected.name);
    container.hidden = !model;
    if (!model) return container.replaceChildren();
    const rows = model.versions.map((version) => {
      const isSelected = version.version === this.selected.version;
      return h('tr', { class: isSelected ? 'selected' : '', 'aria-selected': String(isSelected) },
        h('td', {}, h('button', {
          type: 'button', class: 'link-button', text: `v${version.version}`, 'aria-label': `Show ${model.name} version ${version.version}`,
          on: { click: () => this.select(model.name, version.version) },
        })),
        h('td', { text: version.kind }),
        h('td', { class: 'numeric', text: percent(version.metrics?.accuracy, 2) }),
        h('td', { class: 'numeric', text: number(version.metrics?.log_loss, 3) }),
        h('td', { text: version.hyperparameters?.optimizer ?? '' }),
        h('td', { class: 'numeric', text: String(version.epochs_completed ?? '') }),
        h('td', { class: 'numeric', text: seconds(version.training_seconds) }),
        h('td', {}, (version.aliases || []).map((alias) => h('span', { class: 'tag', text: alias }))),
        h('td', { title: dateTime(version.created_at), text: relativeTime(version.created_at) }));
    });
    replaceChildren(container,
      h('h3', { text: `${model.name}: ${model.version_count} version${model.version_count === 1 ? '' : 's'}` }),
      h('div', { class: 'table-scroll' },
        h('table', { class: 'data-table' },
          h('thead', {}, h('tr', {}, ['Version', 'Kind', 'Accuracy', 'Log loss', 'Optimiser', 'Epochs', 'Time', 'Aliases', 'Created']
            .map((title, index) => h('th', { scope: 'col', class: [2, 3, 5, 6].includes(index) ? 'numeric' : '', text: title })))),
          h('tbody', {}, rows))));
  }

  async metricsFor(version) {
    const key = `${version.name}@${version.version}`;
    if (!this.metricsCache.has(key)) {
      this.metricsCache.set(key, api.metrics(version.name, version.version).catch((error) => {
        this.metricsCache.delete(key);
        return { error };
      }));
    }
    return this.metricsCache.get(key);
  }

  async renderDetail() {
    const detail = byId('version-detail');
    const version = this.selected && this.store.version(this.selected.name, this.selected.version);
    detail.hidden = !version;
    if (!version) return detail.replaceChildren();
    const token = (this.renderToken = {});
    const metrics = await this.metricsFor(version);
    if (token !== this.renderToken) return; // a newer selection is being shown
    const model = this.store.find(version.name);
    replaceChildren(detail,
      this.detailHeader(version),
      this.statTiles(version, metrics),
      metrics.error
        ? h('p', { class: 'alert error', text: `Could not load the metrics: ${metrics.error.message}` })
        : h('div', { class: 'detail-grid' },
          h('section', { class: 'detail-panel', 'aria-labelledby': 'confusion-title' },
            h('h4', { id: 'confusion-title', text: 'Confusion matrix' }),
            h('p', { class: 'hint', text: 'Rows: true class · columns: predicted class · shade: share of the row' }),
            confusionMatrix(metrics.classes, metrics.metrics.confusion_matrix)),
          h('section', { class: 'detail-panel', 'aria-labelledby': 'per-class-title' },
            h('h4', { id: 'per-class-title', text: 'Per-class metrics (test set)' }),
            perClassTable(metrics.classes, metrics.metrics))),
      takesImages(version) ? this.imagePanels(version) : h('p', { class: 'hint', text: 'This model reads tabular features, so it has no weight or digit images.' }),
      h('div', { class: 'detail-grid' },
        this.aliasEditor(model, version),
        h('section', { class: 'detail-panel', 'aria-labelledby': 'hyper-title' },
          h('h4', { id: 'hyper-title', text: 'Training plan' }),
          hyperparameterList(version))));
  }

  detailHeader(version) {
    const plotButton = h('button', {
      type: 'button', class: 'button secondary small', text: 'Plot learning curves',
      on: { click: () => { this.onPlotVersion(version); plotButton.textContent = 'Added to the curves'; } },
    });
    return h('header', { class: 'detail-header' },
      h('div', {},
        h('h3', { id: 'version-title' }, `${version.name} `, h('span', { class: 'muted', text: `version ${version.version}` })),
        h('p', { class: 'detail-subtitle', text: `${version.kind} on ${version.dataset} · classes ${version.classes.join(', ')} · trained ${dateTime(version.created_at)}` })),
      h('div', { class: 'detail-actions' },
        plotButton,
        h('a', { class: 'button primary small', href: urls.modelFile(version.name, version.version), download: `${version.name}-v${version.version}.h5`, text: 'Download model.h5' })));
  }

  statTiles(version, metrics) {
    const summary = metrics.metrics || version.metrics || {};
    const tiles = [
      ['Test accuracy', percent(summary.accuracy, 2)],
      ['Log loss', number(summary.log_loss, 3)],
      ['Test rows', summary.count?.toLocaleString() ?? '–'],
      ['Training time', seconds(version.training_seconds)],
      ['Epochs', `${version.epochs_completed ?? '–'}${version.best_epoch ? ` (best ${version.best_epoch})` : ''}`],
      ['Stopped by', (version.stop_reason || '–').replace(/_/g, ' ')],
    ];
    if (summary.roc_auc !== undefined) tiles.push(['ROC AUC', number(summary.roc_auc, 4)]);
    if (metrics.threshold !== undefined && metrics.threshold !== null) tiles.push(['Threshold', number(metrics.threshold, 3)]);
    if (metrics.weight_norm !== undefined) tiles.push(['Weight norm', number(metrics.weight_norm, 4)]);
    if (metrics.sparsity !== undefined) tiles.push(['Zero weights', percent(metrics.sparsity, 1)]);
    if (version.hidden_units) tiles.push(['Hidden units', `${version.hidden_units} ${version.activation ?? ''}`]);
    return h('dl', { class: 'stat-tiles' }, tiles.map(([label, value]) => h('div', { class: 'stat' }, h('dt', { text: label }), h('dd', { text: value }))));
  }

  imagePanels(version) {
    const weights = h('img', {
      id: 'version-weights', src: urls.weights(version.name, version.version, { scale: 8 }),
      alt: `Weights of ${version.name} version ${version.version}, one 28×28 map per class`, class: 'pixel-image',
    });
    const colormap = h('select', { id: 'weights-colormap' },
      h('option', { value: 'diverging', text: 'Red/blue' }), h('option', { value: 'gray', text: 'Grey' }));
    const classPick = h('select', { id: 'weights-class' },
      h('option', { value: '', text: 'All classes' }),
      version.classes.map((label, index) => h('option', { value: String(index), text: `Class ${label}` })));
    const updateWeights = () => {
      weights.src = urls.weights(version.name, version.version, { scale: 8, colormap: colormap.value, class: classPick.value });
    };
    colormap.addEventListener('change', updateWeights);
    classPick.addEventListener('change', updateWeights);
    const isMlp = version.kind === 'mlp';
    return h('div', { class: 'image-grid' },
      h('figure', { class: 'image-panel' },
        h('figcaption', {},
          h('span', { text: isMlp ? 'First-layer weights' : 'Weights per class' }),
          h('span', { class: 'image-controls' },
            h('label', { class: 'visually-hidden', for: 'weights-colormap', text: 'Colour map' }), colormap,
            h('label', { class: 'visually-hidden', for: 'weights-class', text: 'Class' }), classPick)),
        weights,
        h('p', { class: 'hint', text: 'Red pixels raise the class score, blue ones lower it.' })),
      h('figure', { class: 'image-panel' },
        h('figcaption', { text: 'Mean training image per class' }),
        h('img', { id: 'version-mean-images', src: urls.meanImages(version.name, version.version), alt: 'Average training digit of each class', class: 'pixel-image' })),
      h('figure', { class: 'image-panel' },
        h('figcaption', { text: 'Misclassified test digits (true › predicted)' }),
        h('img', { id: 'version-misclassified', src: urls.misclassified(version.name, version.version, 36), alt: 'Test digits the model got wrong, labelled true and predicted class', class: 'pixel-image' })));
  }

  /** The last alias change's confirmation, shown once. */
  takeAliasMessage() {
    const text = this.aliasMessage || '';
    this.aliasMessage = '';
    return text;
  }

  aliasEditor(model, version) {
    const message = h('p', { class: 'status-text', id: 'alias-status', role: 'status', text: this.takeAliasMessage() });
    const aliases = Object.entries(model.aliases || {}).sort();
    const nameInput = h('input', { id: 'alias-name', type: 'text', required: true, pattern: '[A-Za-z0-9._-]{1,64}', placeholder: 'e.g. default', autocomplete: 'off', spellcheck: 'false' });
    const versionSelect = h('select', { id: 'alias-version' },
      model.versions.map((v) => h('option', { value: String(v.version), text: `v${v.version}`, selected: v.version === version.version })));
    const run = async (action, success) => {
      message.textContent = '';
      message.classList.remove('error-text');
      try {
        await action();
        this.aliasMessage = success;
        await this.store.refresh();
        await this.rendering;
        byId('alias-name')?.focus();
      } catch (error) {
        message.textContent = error.message;
        message.classList.add('error-text');
      }
    };
    const form = h('form', {
      class: 'alias-form', novalidate: true,
      on: {
        submit: (event) => {
          event.preventDefault();
          const alias = nameInput.value.trim();
          if (!alias) {
            message.textContent = 'Enter an alias name.';
            message.classList.add('error-text');
            return nameInput.focus();
          }
          run(() => api.setAlias(model.name, alias, Number(versionSelect.value)), `Alias “${alias}” now points to v${versionSelect.value}.`);
        },
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'alias-name', text: 'Alias' }), nameInput),
    h('div', { class: 'field' }, h('label', { for: 'alias-version', text: 'Version' }), versionSelect),
    h('button', { type: 'submit', class: 'button secondary', text: 'Set alias' }));
    return h('section', { class: 'detail-panel', 'aria-labelledby': 'aliases-title' },
      h('h4', { id: 'aliases-title', text: 'Aliases' }),
      aliases.length
        ? h('ul', { class: 'alias-list' }, aliases.map(([alias, target]) => h('li', { class: 'tag large' },
          h('span', { text: `${alias} → v${target}` }),
          h('button', {
            type: 'button', class: 'icon-button', text: '×', title: `Remove alias ${alias}`, 'aria-label': `Remove alias ${alias}`,
            on: { click: () => run(() => api.deleteAlias(model.name, alias), `Alias “${alias}” removed.`) },
          }))))
        : h('p', { class: 'hint', text: 'No aliases yet.' }),
      form,
      message,
      h('p', { class: 'hint', text: 'The alias “default” picks the model that /predict (and the drawing pad) uses when none is named.' }));
  }
}

/** The confusion matrix as an HTML table whose cells are shaded by their share of the row. */
export function confusionMatrix(classes, matrix) {
  const table = h('table', { class: 'confusion', 'aria-label': 'Confusion matrix: rows are true classes, columns predicted classes' });
  table.append(h('thead', {},
    h('tr', {}, h('th', { class: 'corner', scope: 'col' }, h('span', { class: 'visually-hidden', text: 'True class' }), h('span', { 'aria-hidden': 'true', text: 'true ↓ / pred →' })),
      classes.map((label) => h('th', { scope: 'col', text: String(label) })))));
  const body = h('tbody');
  matrix.forEach((row, i) => {
    const total = row.reduce((sum, count) => sum + count, 0) || 1;
    body.append(h('tr', {}, h('th', { scope: 'row', text: String(classes[i]) }),
      row.map((count, j) => {
        const share = count / total;
        const diagonal = i === j;
        const strength = diagonal ? share : Math.min(1, Math.sqrt(share * 4));
        const alpha = count === 0 ? 0 : 0.08 + 0.92 * strength;
        return h('td', {
          class: `${diagonal ? 'diagonal' : 'off'}${alpha > 0.55 ? ' strong' : ''}`,
          style: { '--alpha': alpha.toFixed(3) },
          title: `true ${classes[i]}, predicted ${classes[j]}: ${count} (${percent(share, 1)} of the row)`,
          text: String(count),
        });
      })));
  });
  table.append(body);
  return h('div', { class: 'table-scroll' }, table);
}

function perClassTable(classes, metrics) {
  const row = (label, m, isAverage) => h('tr', { class: isAverage ? 'average' : '' },
    h('th', { scope: 'row', text: label }),
    h('td', { class: 'numeric', text: number(m.precision, 3) }),
    h('td', { class: 'numeric', text: number(m.recall, 3) }),
    h('td', { class: 'numeric' }, h('span', { class: 'inline-bar', style: { '--value': String(m.f1 ?? 0) } }), number(m.f1, 3)),
    h('td', { class: 'numeric', text: m.support?.toLocaleString() ?? '' }));
  return h('div', { class: 'table-scroll' },
    h('table', { class: 'data-table compact' },
      h('thead', {}, h('tr', {}, ['Class', 'Precision', 'Recall', 'F1', 'Support'].map((title, index) => h('th', { scope: 'col', class: index ? 'numeric' : '', text: title })))),
      h('tbody', {},
        metrics.per_class.map((m, index) => row(String(classes[index]), m, false)),
        metrics.macro_average && row('Macro avg', metrics.macro_average, true),
        metrics.weighted_average && row('Weighted avg', metrics.weighted_average, true))));
}

function hyperparameterList(version) {
  const plan = version.hyperparameters || {};
  const describe = (value) => (value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join(' · ') : String(value));
  const entries = Object.entries(plan).filter(([key]) => key !== 'name').sort(([a], [b]) => a.localeCompare(b));
  return h('dl', { class: 'key-values' }, entries.map(([key, value]) => [h('dt', { text: key.replace(/_/g, ' ') }), h('dd', { text: describe(value) })]));
}

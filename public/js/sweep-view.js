// One sweep: its points arrive live from GET /sweeps/{id}/events and draw the paths against the grid's value
// (lambda on a log axis when the values are log-spaced): the score (CV mean ± std), train/validation/test
// accuracy, sparsity, weight norm, the coefficient path of a tabular model, a strip of weight images of an image
// model, and a table of the points. The best point is marked in each, and opens in the gallery.
import { api, urls } from './api.js';
import { LineChart } from './charts.js';
import { h, byId, replaceChildren } from './dom.js';
import { number, percent, seconds, shortId } from './format.js';

const ACTIVE = new Set(['queued', 'running']);
const SPLIT_COLORS = { train: '#2563eb', validation: '#d97706', test: '#059669' };
const SPLIT_DASHES = { train: [], validation: [7, 4], test: [2, 3] };
const GROUP_COLORS = ['#4f46e5', '#d97706', '#059669', '#db2777', '#0891b2', '#65a30d', '#dc2626', '#7c3aed'];
const METRIC_NAMES = { log_loss: 'Log loss', accuracy: 'Accuracy', f1: 'F1', roc_auc: 'ROC AUC' };
const KEY_SYMBOLS = { 'regularization.lambda': 'λ', 'regularization.C': 'C' };

/** A grid value in three digits: 1e-5, 3.16e-4, 0.001, 0.0316, 100. */
export function gridNumber(value) {
  if (!Number.isFinite(value)) return '–';
  const rounded = Number(value.toPrecision(3));
  const magnitude = Math.abs(rounded);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? rounded.toExponential().replace('e+', 'e') : String(rounded);
}

/** True when sorted positive values look log-spaced: a constant ratio, or several decades. */
export function isLogSpaced(values) {
  const sorted = [...new Set(values)].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < 2 || sorted[0] <= 0) return false;
  if (sorted[sorted.length - 1] / sorted[0] >= 100) return true;
  if (sorted.length < 3) return false;
  const ratios = sorted.slice(1).map((value, i) => value / sorted[i]);
  const differences = sorted.slice(1).map((value, i) => value - sorted[i]);
  const spread = (list) => Math.max(...list) / Math.min(...list);
  // Evenly spaced logarithms have equal ratios (and unequal differences); a linear range the reverse.
  return spread(ratios) < 1.05 && spread(differences) > 1.05;
}

/**
 * The x axis of a sweep's charts: the path's key (lambda or C) when it has one, else the first key whose values
 * are all numbers; null when no key is numeric (then the points are drawn by index).
 */
export function sweepAxis(sweep) {
  const numeric = (key) => sweep.points.every((point) => typeof point.params?.[key] === 'number');
  const key = [sweep.path_key, ...(sweep.keys || [])].find((candidate) => candidate && numeric(candidate)) || null;
  const values = key ? sweep.points.map((point) => point.params[key]) : sweep.points.map((point) => point.index);
  const symbol = key ? KEY_SYMBOLS[key] || key : 'Point';
  return { key, symbol, label: key ? `${symbol}${KEY_SYMBOLS[key] ? ` (${key})` : ''}` : 'Point', log: key !== null && isLogSpaced(values) };
}

/** A point's x on `axis`. */
export const pointX = (point, axis) => (axis.key ? point.params[axis.key] : point.index);

/**
 * The finished points grouped into lines: one line per combination of the keys other than the axis's, each
 * sorted by x. [{label, points}], the label empty when the sweep varies the axis's key alone.
 */
export function pathGroups(sweep, axis) {
  const groups = new Map();
  for (const point of sweep.points) {
    if (!point.result) continue;
    const others = Object.keys(point.params || {}).filter((key) => key !== axis.key).sort();
    const label = others.map((key) => `${key}=${JSON.stringify(point.params[key])}`).join(', ');
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(point);
  }
  return [...groups].map(([label, points]) => ({ label, points: points.sort((a, b) => pointX(a, axis) - pointX(b, axis)) }));
}

/** The best point's index by the service's rule (SweepState): the best score, ties to the larger lambda. */
export function bestIndex(sweep) {
  const higherIsBetter = sweep.metric !== 'log_loss';
  let best = null;
  for (const point of [...sweep.points].sort((a, b) => a.index - b.index)) {
    const result = point.result;
    if (!result || !Number.isFinite(result.score)) continue;
    if (!best || (higherIsBetter ? result.score > best.score : result.score < best.score)
        || (result.score === best.score && result.lambda > best.lambda)) best = result;
  }
  return best ? best.index : null;
}

/** One series per coefficient (classes x features, flat): its value at each finished point along x. */
export function coefficientSeries(sweep, axis, features) {
  const points = sweep.points.filter((point) => point.result?.coefficients?.length).sort((a, b) => pointX(a, axis) - pointX(b, axis));
  if (!points.length) return [];
  const count = points[0].result.coefficients.length;
  const width = features > 0 && count % features === 0 ? features : count;
  const rows = count / width;
  return Array.from({ length: count }, (_, i) => ({
    label: rows > 1 ? `class ${Math.floor(i / width)} · w${i % width}` : `w${i}`,
    color: `hsl(${Math.round((i * 137.508) % 360)} 62% 46%)`,
    points: points.map((point) => [pointX(point, axis), point.result.coefficients[i]]),
  }));
}

export class SweepView {
  /** @param {{onFinished?: (sweep) => void}} hooks */
  constructor({ onFinished } = {}) {
    this.onFinished = onFinished;
    this.element = byId('sweep-view');
    this.sweep = null;
    this.source = null;
    this.serverBest = undefined; // the service's best while no live point has come in since
    this.pointsReceived = 0;
    this.image = null; // {classes} when the sweep's model takes images, learnt from its first version
    this.features = 0;
    this.figures = new Map(); // point index -> its figure in the weight strip
    const percentFormat = (value, precise) => percent(value, precise ? 2 : 0);
    this.charts = {
      score: new LineChart(byId('sweep-chart-score'), { label: 'Score against the grid value', yLabel: 'Score' }),
      accuracy: new LineChart(byId('sweep-chart-accuracy'), { label: 'Accuracy against the grid value', yLabel: 'Accuracy', yFormat: percentFormat }),
      sparsity: new LineChart(byId('sweep-chart-sparsity'), { label: 'Sparsity against the grid value', yLabel: 'Zeros', yFormat: percentFormat }),
      weightNorm: new LineChart(byId('sweep-chart-weight-norm'), { label: 'Weight norm against the grid value', yLabel: '‖w‖₂' }),
      coefficients: new LineChart(byId('sweep-chart-coefficients'), { label: 'Coefficient path: each weight against the grid value', yLabel: 'Weight' }),
    };
    this.plainFormat = this.charts.score.options.yFormat; // the chart's own, for log loss
    byId('sweep-cancel').addEventListener('click', () => this.cancel());
    byId('sweep-weights-class').addEventListener('change', () => this.renderStrip(true));
  }

  get id() {
    return this.sweep?.id ?? this.pendingId ?? null;
  }

  /** Shows a sweep: its state now, then its points as they finish. */
  async show(id) {
    if (id === this.id) return;
    this.close();
    this.pendingId = id;
    this.sweep = null;
    this.image = null;
    this.features = 0;
    this.pointsReceived = 0;
    this.figures.clear();
    this.renderedKey = null;
    replaceChildren(byId('sweep-weights-strip'));
    this.element.dataset.sweepId = id;
    try {
      const sweep = await api.sweepById(id);
      if (this.pendingId !== id) return;
      this.accept(sweep);
      if (ACTIVE.has(sweep.status)) this.subscribe(id);
    } catch (error) {
      if (this.pendingId === id) this.showError(`Could not load the sweep: ${error.message}`);
    }
  }

  close() {
    this.source?.close();
    this.source = null;
  }

  /** A sweep as the service answered it (GET, the list's poll, the stream's status event). */
  accept(sweep) {
    const previous = this.sweep;
    // A poll of the list may have been answered before the stream's latest point or its end: keep the newer.
    if (previous && previous.id === sweep.id) {
      const done = (s) => s.points.filter((point) => point.result).length;
      if (done(sweep) < done(previous) || (!ACTIVE.has(previous.status) && ACTIVE.has(sweep.status))) return;
    }
    this.sweep = sweep;
    this.serverBest = sweep.best ? sweep.best.index : null;
    this.render();
  }

  /** The list's newest copy of the shown sweep. */
  update(sweep) {
    if (sweep.id !== this.sweep?.id) return;
    const wasActive = ACTIVE.has(this.sweep.status);
    this.accept(sweep);
    // A sweep the list sees end before its stream did (or without one) still refreshes the gallery.
    if (wasActive && !ACTIVE.has(sweep.status) && !this.source) this.onFinished?.(sweep);
  }

  subscribe(id) {
    const source = new EventSource(urls.sweepEvents(id));
    this.source = source;
    this.element.dataset.streaming = 'true';
    source.addEventListener('point', (event) => {
      if (this.sweep?.id !== id) return;
      const point = JSON.parse(event.data);
      const points = this.sweep.points.map((existing) => (existing.index === point.index ? { ...existing, ...point } : existing));
      this.sweep = { ...this.sweep, status: this.sweep.status === 'queued' ? 'running' : this.sweep.status, points };
      this.serverBest = undefined;
      this.pointsReceived++;
      this.render();
    });
    source.addEventListener('status', (event) => {
      source.close(); // the stream ends here; closing avoids EventSource's automatic reconnect
      if (this.source === source) this.source = null;
      this.element.dataset.streaming = 'false';
      if (this.sweep?.id !== id) return;
      const sweep = JSON.parse(event.data);
      this.accept(sweep);
      this.onFinished?.(sweep);
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        this.source = null;
        this.element.dataset.streaming = 'false';
      }
    });
  }

  bestIndex() {
    return this.serverBest !== undefined ? this.serverBest : bestIndex(this.sweep);
  }

  async cancel() {
    const button = byId('sweep-cancel');
    button.disabled = true;
    button.textContent = 'Cancelling…';
    try {
      await api.cancelSweep(this.sweep.id);
      this.accept(await api.sweepById(this.sweep.id));
    } catch (error) {
      // 409: every job finished meanwhile; the stream's status event shows how.
      if (error.status !== 409) this.showError(error.message);
    } finally {
      button.disabled = false;
      button.textContent = 'Cancel sweep';
    }
  }

  showError(message) {
    const alert = byId('sweep-view-error');
    alert.textContent = message;
    alert.hidden = !message;
  }

  render() {
    const sweep = this.sweep;
    if (!sweep) return;
    const best = this.bestIndex();
    // The list's poll brings the same sweep every few seconds: redrawing it would only take a focused link's focus.
    const key = JSON.stringify([sweep, best, this.pointsReceived, this.features, this.image]);
    if (key === this.renderedKey) return;
    this.renderedKey = key;
    this.showError('');
    const axis = sweepAxis(sweep);
    const bestPoint = sweep.points.find((point) => point.index === best) || null;
    const done = sweep.points.filter((point) => point.result).length;
    Object.assign(this.element.dataset, {
      status: sweep.status, pointsReceived: String(this.pointsReceived), pointsDone: String(done),
      bestIndex: best === null ? '' : String(best),
    });
    this.renderHeader(sweep, axis, bestPoint, done);
    this.renderCharts(sweep, axis, bestPoint);
    this.learnModelKind(sweep);
    this.renderStrip(false);
    this.renderTable(sweep, axis, best);
  }

  renderHeader(sweep, axis, bestPoint, done) {
    byId('sweep-view-title').textContent = sweep.name;
    const badge = h('span', { class: `badge status-${sweep.status}`, text: sweep.status });
    replaceChildren(byId('sweep-view-subtitle'), badge, ` ${done} / ${sweep.points.length} points · `,
      `${METRIC_NAMES[sweep.metric] || sweep.metric}${sweep.cv_folds ? `, ${sweep.cv_folds}-fold CV` : ' on the validation split'}`,
      ` · grid ${sweep.keys.join(' × ')} · #${shortId(sweep.id)}`);
    const fraction = sweep.points.length ? done / sweep.points.length : 0;
    const bar = byId('sweep-progress');
    bar.firstElementChild.style.width = `${Math.round(fraction * 100)}%`;
    bar.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
    bar.dataset.status = sweep.status;
    byId('sweep-cancel').hidden = !ACTIVE.has(sweep.status);

    const line = byId('sweep-best');
    if (!bestPoint) {
      line.textContent = done ? 'No point has a finite score.' : ACTIVE.has(sweep.status) ? 'Waiting for the first point…' : '';
      return;
    }
    const result = bestPoint.result;
    const parts = [h('strong', { text: 'Best: ' }),
      `${axis.symbol} = ${axis.key ? gridNumber(pointX(bestPoint, axis)) : bestPoint.index}`,
      ` · ${METRIC_NAMES[sweep.metric] || sweep.metric} ${formatScore(result, sweep.metric)}`];
    if (bestPoint.model) {
      const { name, version } = bestPoint.model;
      parts.push(' · ', h('a', {
        id: 'sweep-best-link', href: `#models/${encodeURIComponent(name)}/${version}`, text: `open ${name} v${version} in the gallery`,
      }));
      if (sweep.promote && sweep.status === 'succeeded') parts.push(' · ', h('span', { class: 'tag', text: `${sweep.promote} → v${version}` }));
    }
    replaceChildren(line, parts);
  }

  renderCharts(sweep, axis, bestPoint) {
    const groups = pathGroups(sweep, axis);
    const several = groups.length > 1;
    const xFormat = gridNumber;
    const common = {
      xLabel: axis.label, xFormat, logX: axis.log,
      marker: bestPoint?.result ? { x: pointX(bestPoint, axis), label: 'best' } : null,
      emptyText: ACTIVE.has(sweep.status) ? 'Waiting for the first point…' : 'No point finished',
    };
    const line = (group, index, label, value, style = {}) => ({
      label: several ? `${group.label} · ${label}` : label,
      color: several ? GROUP_COLORS[index % GROUP_COLORS.length] : style.color || GROUP_COLORS[0],
      dash: style.dash,
      points: group.points.map((point) => [pointX(point, axis), value(point.result)]),
    });
    const metric = METRIC_NAMES[sweep.metric] || sweep.metric;
    const scoreFormat = sweep.metric === 'log_loss' ? undefined : (value, precise) => percent(value, precise ? 2 : 0);
    byId('sweep-score-caption').textContent = sweep.cv_folds ? `${metric}, ${sweep.cv_folds}-fold CV mean ± std` : `${metric} on the validation split`;
    this.charts.score.options.yLabel = metric;
    this.charts.score.options.yFormat = scoreFormat || this.plainFormat;
    this.charts.score.update({
      ...common,
      series: groups.map((group, i) => line(group, i, sweep.cv_folds ? 'CV mean' : metric, (result) => result.cv?.mean ?? result.score)),
      bands: sweep.cv_folds ? groups.map((group, i) => ({
        color: several ? GROUP_COLORS[i % GROUP_COLORS.length] : GROUP_COLORS[0],
        points: group.points.filter((point) => point.result.cv).map((point) => [pointX(point, axis), point.result.cv.mean - point.result.cv.std, point.result.cv.mean + point.result.cv.std]),
      })) : [],
    });
    this.charts.accuracy.update({
      ...common,
      series: groups.flatMap((group, i) => ['train', 'validation', 'test'].map((split) =>
        line(group, i, split[0].toUpperCase() + split.slice(1), (result) => result[split]?.accuracy ?? null, { color: SPLIT_COLORS[split], dash: SPLIT_DASHES[split] }))),
    });
    this.charts.sparsity.update({ ...common, series: groups.map((group, i) => line(group, i, 'Zero weights', (result) => result.sparsity)) });
    this.charts.weightNorm.update({ ...common, series: groups.map((group, i) => line(group, i, '‖w‖₂', (result) => result.weight_norm)) });

    const coefficients = several ? [] : coefficientSeries(sweep, axis, this.features);
    byId('sweep-coefficients-panel').hidden = coefficients.length === 0;
    this.element.dataset.coefficients = String(coefficients.length);
    this.charts.coefficients.update({ ...common, series: coefficients });
  }

  /** Reads the first finished point's version once: the features of a tabular model, the classes of an image one. */
  async learnModelKind(sweep) {
    if (this.learning === sweep.id || this.image || this.features) return;
    const point = sweep.points.find((candidate) => candidate.model);
    if (!point) return;
    this.learning = sweep.id;
    try {
      const version = await api.version(point.model.name, point.model.version);
      if (this.sweep?.id !== sweep.id) return;
      this.features = version.input?.shape?.[1] || 0;
      if (version.input?.name === 'pixels') {
        this.image = { classes: version.classes || [] };
        const select = byId('sweep-weights-class');
        const classes = version.classes?.length > 2 ? version.classes : [];
        replaceChildren(select, h('option', { value: '', text: 'all' }), classes.map((label) => h('option', { value: String(label), text: String(label) })));
        select.disabled = classes.length === 0;
      }
      this.render();
    } catch {
      // Without it the coefficients are labelled by position and no strip is drawn; nothing else depends on it.
    } finally {
      this.learning = null;
    }
  }

  /** A figure per finished point in x order, each image loaded once (or again when the class changes). */
  renderStrip(reload) {
    const section = byId('sweep-weights');
    const sweep = this.sweep;
    section.hidden = !this.image || !sweep;
    if (section.hidden) return;
    const axis = sweepAxis(sweep);
    const best = this.bestIndex();
    const chosenClass = byId('sweep-weights-class').value;
    const strip = byId('sweep-weights-strip');
    const points = sweep.points.filter((point) => point.result && point.model).sort((a, b) => pointX(a, axis) - pointX(b, axis));
    points.forEach((point, position) => {
      let figure = this.figures.get(point.index);
      const caption = `${axis.symbol} = ${axis.key ? gridNumber(pointX(point, axis)) : point.index}`;
      const source = urls.weights(point.model.name, point.model.version, { scale: chosenClass === '' ? 2 : 4, class: chosenClass });
      if (!figure) {
        figure = h('li', { class: 'weight-frame', dataset: { index: String(point.index) } },
          h('a', { href: `#models/${encodeURIComponent(point.model.name)}/${point.model.version}`, title: `Open version ${point.model.version}` },
            h('img', { class: 'pixel-image', src: source, alt: `Weights of ${point.model.name} v${point.model.version}, ${caption}`, loading: 'lazy' })),
          h('span', { class: 'weight-caption', text: caption }));
        this.figures.set(point.index, figure);
      } else if (reload) {
        figure.querySelector('img').src = source;
      }
      figure.classList.toggle('best', point.index === best);
      figure.querySelector('.weight-caption').textContent = point.index === best ? `${caption} · best` : caption;
      if (strip.children[position] !== figure) strip.insertBefore(figure, strip.children[position] || null);
    });
  }

  renderTable(sweep, axis, best) {
    const table = byId('sweep-points');
    const keys = sweep.keys;
    const hasCv = Boolean(sweep.cv_folds);
    const head = h('tr', {},
      h('th', { scope: 'col', text: '#' }),
      keys.map((key) => h('th', { scope: 'col', class: 'numeric', text: KEY_SYMBOLS[key] || key })),
      h('th', { scope: 'col', class: 'numeric', text: hasCv ? 'CV mean ± std' : 'Score' }),
      ['Train acc.', 'Val. acc.', 'Test acc.', 'Zeros', '‖w‖₂', 'Epochs', 'Time'].map((text) => h('th', { scope: 'col', class: 'numeric', text })),
      h('th', { scope: 'col', text: 'Version' }));
    replaceChildren(table.tHead, head);
    const rows = [...sweep.points].sort((a, b) => pointX(a, axis) - pointX(b, axis) || a.index - b.index).map((point) => {
      const result = point.result;
      const cells = result ? [
        h('td', { class: 'numeric', text: formatScore(result, sweep.metric) }),
        ['train', 'validation', 'test'].map((split) => h('td', { class: 'numeric', text: percent(result[split]?.accuracy, 2) })),
        h('td', { class: 'numeric', text: percent(result.sparsity, 1) }),
        h('td', { class: 'numeric', text: number(result.weight_norm, 4) }),
        h('td', { class: 'numeric', text: String(result.epochs_completed) + (result.warm_start ? ' (warm)' : '') }),
        h('td', { class: 'numeric', text: seconds(result.seconds) }),
      ] : [h('td', { colspan: 8, class: 'muted', text: ACTIVE.has(sweep.status) ? 'waiting…' : 'not run' })];
      const version = point.model
        ? h('a', { href: `#models/${encodeURIComponent(point.model.name)}/${point.model.version}`, text: `v${point.model.version}` }) : '–';
      return h('tr', { class: point.index === best ? 'selected best' : '', dataset: { index: String(point.index), done: String(Boolean(result)) } },
        h('th', { scope: 'row' }, String(point.index), point.index === best ? h('span', { class: 'badge status-succeeded best-badge', text: 'best' }) : null),
        keys.map((key) => h('td', { class: 'numeric', text: typeof point.params[key] === 'number' ? gridNumber(point.params[key]) : JSON.stringify(point.params[key]) })),
        cells,
        h('td', {}, version));
    });
    replaceChildren(table.tBodies[0], rows);
  }
}

function formatScore(result, metric) {
  const format = (value) => (metric === 'log_loss' ? number(value, 4) : percent(value, 2));
  return result.cv ? `${format(result.cv.mean)} ± ${format(result.cv.std)}` : format(result.score);
}

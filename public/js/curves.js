// Learning curves: one "run" per plotted job, fed live by GET /jobs/{id}/events (or, for a model
// version, by its recorded /curves). Draws loss, accuracy, weight norm and learning rate with the
// chosen x axis, y scale, EMA smoothing and splits; exports every plotted point as CSV.
import { api, urls } from './api.js';
import { LineChart, ema } from './charts.js';
import { h, byId, downloadText } from './dom.js';
import { number, percent, shortId } from './format.js';

const RUN_COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#65a30d'];
const SPLIT_COLORS = { train: '#2563eb', validation: '#d97706', test: '#059669' };
const SPLIT_DASHES = { train: [], validation: [7, 4], test: [2, 3] };
const SPLIT_NAMES = { train: 'Train', validation: 'Validation', test: 'Test' };
const X_AXES = {
  step: { label: 'Step (parameter updates)', format: (value) => number(value, 4) },
  epoch: { label: 'Epoch', format: (value) => number(value, 3) },
  wall_seconds: { label: 'Wall time (s)', format: (value) => number(value, 3) },
};
// Browsers open at most six HTTP/1.1 connections per host, and an event stream holds one until its
// job ends. Queued jobs beyond this many are subscribed only once they start.
const MAX_QUEUED_STREAMS = 2;

export const CSV_COLUMNS = [
  'step', 'epoch', 'wall_seconds', 'learning_rate', 'weight_norm', 'train_loss', 'train_objective',
  'train_accuracy', 'validation_loss', 'validation_accuracy', 'test_loss', 'test_accuracy',
];

/** CSV text of several runs' points: one row per point, led by the run's job id and model name. */
export function curvesToCsv(runs) {
  const escape = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = [['job_id', 'model', ...CSV_COLUMNS].join(',')];
  for (const run of runs) {
    for (const point of run.points) {
      const cells = CSV_COLUMNS.map((column) => (point[column] === null || point[column] === undefined ? '' : String(point[column])));
      lines.push([escape(run.id), escape(run.name), ...cells].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export class CurvesPanel {
  constructor({ onRunsChanged }) {
    this.onRunsChanged = onRunsChanged;
    this.runs = new Map(); // run id (job id) -> run
    this.section = byId('curves');
    this.pointsReceived = 0; // points that arrived through event streams
    this.settings = { x: 'step', logY: false, smoothing: 0, splits: new Set(['train', 'validation', 'test']) };

    // Axis labels get as many decimals as the tick step needs; tooltips get two.
    const percentFormat = (value, precise, step) =>
      percent(value, precise ? 2 : step > 0 ? Math.max(0, Math.min(3, Math.ceil(-Math.log10(step * 100) - 1e-9))) : 0);
    this.charts = {
      loss: new LineChart(byId('chart-loss'), { label: 'Loss against training progress', yLabel: 'Loss', }),
      accuracy: new LineChart(byId('chart-accuracy'), { label: 'Accuracy against training progress', yLabel: 'Accuracy', yFormat: percentFormat }),
      weightNorm: new LineChart(byId('chart-weight-norm'), { label: 'Weight norm against training progress', yLabel: '‖w‖₂' }),
      learningRate: new LineChart(byId('chart-learning-rate'), { label: 'Learning rate against training progress', yLabel: 'Rate' }),
    };
    this.bindControls();
  }

  bindControls() {
    byId('curves-x').addEventListener('change', (event) => { this.settings.x = event.target.value; this.draw(); });
    for (const radio of document.querySelectorAll('input[name="curves-scale"]')) {
      radio.addEventListener('change', () => { this.settings.logY = radio.value === 'log' && radio.checked; this.draw(); });
    }
    const slider = byId('curves-smoothing');
    slider.addEventListener('input', () => {
      this.settings.smoothing = Number(slider.value);
      byId('curves-smoothing-value').textContent = this.settings.smoothing.toFixed(2);
      this.draw();
    });
    for (const box of document.querySelectorAll('input[name="split"]')) {
      box.addEventListener('change', () => {
        if (box.checked) this.settings.splits.add(box.value);
        else this.settings.splits.delete(box.value);
        this.draw();
      });
    }
    byId('curves-download').addEventListener('click', () => this.downloadCsv());
  }

  has(id) {
    return this.runs.has(id);
  }

  nextColor() {
    const used = new Set([...this.runs.values()].map((run) => run.color));
    return RUN_COLORS.find((color) => !used.has(color)) || RUN_COLORS[this.runs.size % RUN_COLORS.length];
  }

  /** Plots a job; its points stream in live (a queued job is subscribed once it starts). */
  addJob(job) {
    if (this.runs.has(job.id)) return;
    const run = {
      id: job.id, name: job.model?.name || job.request?.name || 'model', color: this.nextColor(),
      status: job.status, points: [], lastEventId: 0, source: null, origin: 'job',
    };
    this.runs.set(job.id, run);
    if (job.status !== 'queued' || this.openStreams() < MAX_QUEUED_STREAMS) this.subscribe(run);
    this.changed();
  }

  openStreams() {
    return [...this.runs.values()].filter((run) => run.source).length;
  }

  /** Plots a model version from its recorded curves (its job may have been removed). */
  async addVersion(version) {
    const id = version.job_id || `${version.name}@${version.version}`;
    if (this.runs.has(id)) return;
    const run = {
      id, name: `${version.name} v${version.version}`, color: this.nextColor(), status: 'succeeded',
      points: [], lastEventId: 0, source: null, origin: 'version',
    };
    this.runs.set(id, run);
    this.changed();
    try {
      run.points = await api.curves(version.name, version.version);
    } catch (error) {
      run.status = `curves unavailable: ${error.message}`;
    }
    this.changed();
  }

  remove(id) {
    const run = this.runs.get(id);
    if (!run) return;
    run.source?.close();
    this.runs.delete(id);
    this.changed();
  }

  /** Called with every jobs poll: starts streams of jobs that left the queue, updates statuses. */
  onJobsUpdated(jobs) {
    let dirty = false;
    for (const job of jobs) {
      const run = this.runs.get(job.id);
      if (!run || run.origin !== 'job') continue;
      if (job.model && run.name !== job.model.name) run.name = job.model.name;
      if (!run.source && run.status === 'queued' && job.status !== 'queued') this.subscribe(run);
      if (run.status !== job.status && (run.source || !['succeeded', 'failed', 'cancelled'].includes(run.status))) {
        run.status = job.status;
        dirty = true;
      }
    }
    if (dirty) this.changed();
  }

  subscribe(run) {
    const source = new EventSource(urls.eventStream(run.id));
    run.source = source;
    source.addEventListener('point', (event) => {
      const id = Number(event.lastEventId);
      // After a reconnect the stream replays earlier points: keep each point once.
      if (id && id <= run.lastEventId) return;
      if (id) run.lastEventId = id;
      run.points.push(JSON.parse(event.data));
      this.pointsReceived++;
      this.changed();
    });
    source.addEventListener('status', (event) => {
      run.status = JSON.parse(event.data).status;
      source.close(); // the stream ends here; closing avoids EventSource's automatic reconnect
      run.source = null;
      this.changed();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) run.source = null;
    });
  }

  /** Updates the counters at once, and the legend and charts at the next frame (points arrive in bursts). */
  changed() {
    const runs = [...this.runs.values()];
    this.section.dataset.pointsReceived = String(this.pointsReceived);
    this.section.dataset.pointsDrawn = String(runs.reduce((sum, run) => sum + run.points.length, 0));
    this.section.dataset.streaming = String(runs.filter((run) => run.source).length);
    byId('curves-download').disabled = !runs.some((run) => run.points.length);
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.renderLegend();
        this.draw();
      });
    }
    this.onRunsChanged?.();
  }

  /** One legend entry per run, updated in place so a focused remove button keeps its focus. */
  renderLegend() {
    const legend = byId('curves-legend');
    const runs = [...this.runs.values()];
    const items = new Map([...legend.children].map((item) => [item.dataset.runId, item]));
    for (const [id, item] of items) if (!this.runs.has(id)) item.remove();
    runs.forEach((run, index) => {
      let item = items.get(run.id);
      if (!item) {
        item = h('li', { class: 'legend-item', dataset: { runId: run.id } },
          h('span', { class: 'swatch', 'aria-hidden': 'true' }),
          h('span', { class: 'legend-name' }),
          h('span', { class: 'legend-meta legend-points' }),
          h('span', { class: 'legend-state' }),
          h('button', {
            type: 'button', class: 'icon-button', title: 'Remove from charts', text: '×',
            on: { click: () => this.remove(run.id) },
          }));
      }
      if (legend.children[index] !== item) legend.insertBefore(item, legend.children[index] || null);
      item.dataset.status = run.status;
      item.querySelector('.swatch').style.background = runs.length > 1 ? run.color : 'var(--text-muted)';
      item.querySelector('.legend-name').textContent = run.name;
      item.querySelector('.legend-points').textContent = `#${shortId(run.id)} · ${run.points.length} pts`;
      const state = item.querySelector('.legend-state');
      state.className = `legend-state ${run.source ? 'live-dot' : 'legend-meta'}`;
      state.textContent = run.source ? 'live' : run.status;
      item.querySelector('button').setAttribute('aria-label', `Remove ${run.name} #${shortId(run.id)} from the charts`);
    });
    const total = runs.reduce((sum, run) => sum + run.points.length, 0);
    byId('curves-status').textContent = runs.length === 0
      ? 'Tick Plot next to a job to see its curves.'
      : `${runs.length} run${runs.length > 1 ? 's' : ''} · ${total} points${this.pointsReceived ? ` · ${this.pointsReceived} received live` : ''}`;
  }

  /** Line styles: one run is coloured by split; several runs are coloured by run and dashed by split. */
  style(run, split, runCount) {
    return runCount > 1
      ? { color: run.color, dash: SPLIT_DASHES[split] }
      : { color: SPLIT_COLORS[split], dash: SPLIT_DASHES[split] };
  }

  seriesFor(metric, { smooth }) {
    const runs = [...this.runs.values()];
    const series = [];
    const xKey = this.settings.x;
    for (const run of runs) {
      const prefix = runs.length > 1 ? `${run.name} #${shortId(run.id).slice(0, 4)} · ` : '';
      for (const split of ['train', 'validation', 'test']) {
        if (!this.settings.splits.has(split)) continue;
        const key = `${split}_${metric}`;
        if (!run.points.some((point) => Number.isFinite(point[key]))) continue;
        const xs = run.points.map((point) => point[xKey]);
        const raw = run.points.map((point) => (Number.isFinite(point[key]) ? point[key] : null));
        const style = this.style(run, split, runs.length);
        const label = `${prefix}${SPLIT_NAMES[split]}`;
        if (smooth && this.settings.smoothing > 0) {
          series.push({ label, ...style, faded: true, points: xs.map((x, i) => [x, raw[i]]) });
          const smoothed = ema(raw, this.settings.smoothing);
          series.push({ label, ...style, points: xs.map((x, i) => [x, smoothed[i]]) });
        } else {
          series.push({ label, ...style, points: xs.map((x, i) => [x, raw[i]]) });
        }
      }
    }
    return series;
  }

  perRunSeries(key) {
    const runs = [...this.runs.values()];
    return runs.map((run) => ({
      label: runs.length > 1 ? `${run.name} #${shortId(run.id).slice(0, 4)}` : run.name,
      color: runs.length > 1 ? run.color : '#4f46e5',
      points: run.points.map((point) => [point[this.settings.x], point[key]]),
    }));
  }

  draw() {
    const axis = X_AXES[this.settings.x];
    const waiting = [...this.runs.values()].some((run) => run.source || run.status === 'queued');
    const emptyText = this.runs.size === 0 ? 'Tick a job to plot its curves'
      : waiting ? 'Waiting for the first points…' : 'No curve points recorded';
    const common = { xLabel: axis.label, xFormat: axis.format, emptyText };
    this.charts.loss.update({ ...common, logY: this.settings.logY, series: this.seriesFor('loss', { smooth: true }) });
    this.charts.accuracy.update({ ...common, logY: false, series: this.seriesFor('accuracy', { smooth: true }) });
    this.charts.weightNorm.update({ ...common, logY: this.settings.logY, series: this.perRunSeries('weight_norm') });
    this.charts.learningRate.update({ ...common, logY: this.settings.logY, series: this.perRunSeries('learning_rate') });
  }

  downloadCsv() {
    const runs = [...this.runs.values()].filter((run) => run.points.length);
    const name = runs.length === 1 ? `${runs[0].name}-${shortId(runs[0].id)}` : `${runs.length}-runs`;
    downloadText(`logit-curves-${name}.csv`, curvesToCsv(runs));
  }
}

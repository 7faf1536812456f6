// The live jobs list: polls GET /jobs, updates rows in place (so focus survives a refresh) and offers
// a Plot checkbox, a progress bar, a Cancel button and a link to the resulting model version.
import { api } from './api.js';
import { h, byId, syncKeyedList } from './dom.js';
import { relativeTime, duration, seconds, shortId } from './format.js';

const POLL_MILLISECONDS = 1500;
const ACTIVE = new Set(['queued', 'running']);

/** A one-line description of a job's resolved plan, e.g. "softmax · sgd · batch 100 · 3 epochs". */
export function describePlan(request = {}) {
  const parts = [request.model, request.optimizer];
  if (request.batch_size) parts.push(`batch ${request.batch_size}`);
  if (request.epochs) parts.push(`${request.epochs} epochs`);
  if (request.task?.type === 'binary') {
    parts.push(`${request.task.positive.join('|')} vs ${request.task.negative?.length ? request.task.negative.join('|') : 'rest'}`);
  }
  if (request.dataset && request.dataset !== 'mnist') parts.push(request.dataset);
  return parts.filter(Boolean).join(' · ');
}

export class JobsPanel {
  /**
   * @param {{isPlotted: (id) => boolean, onPlotToggle: (job, on) => void, onUpdate: (jobs, changed) => void}} hooks
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.list = byId('jobs-list');
    this.rows = new Map(); // job id -> {element, parts}
    this.jobs = [];
    this.timer = 0;
    this.lastStatus = new Map();
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.refresh(); });
  }

  start() {
    this.refresh();
  }

  /** Fetches the jobs now and schedules the next poll. */
  async refresh() {
    clearTimeout(this.timer);
    try {
      this.jobs = await api.jobs();
      // Only a failed load's message goes when loading works again; a refused cancel's stays.
      if (this.loadFailed) byId('jobs-error').hidden = true;
      this.loadFailed = false;
      this.render();
      const changed = this.jobs.filter((job) => this.lastStatus.get(job.id) !== job.status);
      for (const job of this.jobs) this.lastStatus.set(job.id, job.status);
      this.hooks.onUpdate?.(this.jobs, changed);
    } catch (error) {
      this.loadFailed = true;
      byId('jobs-error').textContent = `Could not load jobs: ${error.message}`;
      byId('jobs-error').hidden = false;
    }
    this.timer = setTimeout(() => this.refresh(), document.hidden ? POLL_MILLISECONDS * 4 : POLL_MILLISECONDS);
  }

  render() {
    // Newest first, without moving rows that are already in place.
    syncKeyedList(this.list, this.rows, this.jobs, (job) => this.createRow(job), (row, job) => this.updateRow(row, job));
    byId('jobs-empty').hidden = this.jobs.length > 0;
    const count = (status) => this.jobs.filter((job) => job.status === status).length;
    const running = count('running'), queued = count('queued');
    byId('jobs-summary').textContent = [
      running && `${running} running`, queued && `${queued} queued`, `${this.jobs.length} in total`,
    ].filter(Boolean).join(' · ');
  }

  /** Re-reads which jobs are plotted (after the curves panel changed its runs). */
  syncPlotted() {
    for (const [id, row] of this.rows) row.parts.plot.checked = this.hooks.isPlotted(id);
  }

  createRow(job) {
    const plotId = `plot-${job.id}`;
    const parts = {
      plot: h('input', { type: 'checkbox', id: plotId, class: 'plot-toggle' }),
      status: h('span', { class: 'badge' }),
      name: h('span', { class: 'job-name' }),
      plan: h('span', { class: 'job-plan' }),
      progress: h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, h('div', { class: 'progress-fill' })),
      progressText: h('span', { class: 'job-progress-text' }),
      timing: h('span', { class: 'job-timing' }),
      actions: h('div', { class: 'job-actions' }),
      error: h('p', { class: 'job-error', hidden: true }),
    };
    parts.plot.addEventListener('change', () => this.hooks.onPlotToggle(this.jobById(job.id) || job, parts.plot.checked));
    const element = h('li', { class: 'job', dataset: { jobId: job.id } },
      h('label', { class: 'job-plot', for: plotId, title: 'Plot learning curves' }, parts.plot, h('span', { text: 'Plot' })),
      h('div', { class: 'job-main' },
        h('div', { class: 'job-title' }, parts.status, parts.name, h('span', { class: 'job-id', text: `#${shortId(job.id)}` })),
        h('div', { class: 'job-plan-line' }, parts.plan),
        h('div', { class: 'job-progress-line' }, parts.progress, parts.progressText),
        h('div', { class: 'job-meta' }, parts.timing),
        parts.error),
      parts.actions);
    return { element, parts, actionsKey: '' };
  }

  jobById(id) {
    return this.jobs.find((job) => job.id === id);
  }

  updateRow(row, job) {
    const { parts } = row;
    row.element.dataset.status = job.status;
    parts.status.textContent = job.status;
    parts.status.className = `badge status-${job.status}`;
    parts.name.textContent = job.model?.name || job.request?.name || 'model';
    parts.plan.textContent = describePlan(job.request);
    parts.plot.checked = this.hooks.isPlotted(job.id);
    parts.plot.setAttribute('aria-label', `Plot curves of job ${shortId(job.id)} (${parts.name.textContent})`);

    const fraction = job.status === 'succeeded' ? 1 : Math.max(0, Math.min(1, job.progress?.fraction ?? 0));
    const percentDone = Math.round(fraction * 100);
    parts.progress.firstChild.style.width = `${percentDone}%`;
    parts.progress.setAttribute('aria-valuenow', percentDone);
    parts.progress.setAttribute('aria-label', `Progress of job ${shortId(job.id)}`);
    const epochs = job.progress?.epochs;
    parts.progressText.textContent = epochs ? `epoch ${formatEpoch(job.progress.epoch)} / ${epochs}` : `${percentDone}%`;

    const elapsed = duration(job.started_at, job.finished_at);
    parts.timing.textContent = [
      `created ${relativeTime(job.created_at)}`,
      elapsed !== null && (ACTIVE.has(job.status) ? `running for ${seconds(elapsed)}` : `took ${seconds(elapsed)}`),
    ].filter(Boolean).join(' · ');

    parts.error.hidden = !job.error;
    parts.error.textContent = job.error || '';

    // Rebuild the action buttons only when they change, so keyboard focus is not lost on each poll.
    const actionsKey = ACTIVE.has(job.status) ? 'cancel' : job.model ? `model:${job.model.name}:${job.model.version}` : '';
    if (actionsKey !== row.actionsKey) {
      row.actionsKey = actionsKey;
      parts.actions.replaceChildren();
      if (actionsKey === 'cancel') {
        parts.actions.append(h('button', {
          type: 'button', class: 'button danger small', text: 'Cancel',
          'aria-label': `Cancel job ${shortId(job.id)}`,
          on: { click: (event) => this.cancel(job.id, event.currentTarget) },
        }));
      } else if (job.model) {
        parts.actions.append(h('a', {
          class: 'button secondary small', href: `#models/${encodeURIComponent(job.model.name)}/${job.model.version}`,
          text: `Model v${job.model.version}`, 'aria-label': `Open model ${job.model.name} version ${job.model.version}`,
          title: 'Open this model version',
        }));
      }
    }
  }

  async cancel(id, button) {
    button.disabled = true;
    button.textContent = 'Cancelling…';
    try {
      await api.cancelJob(id);
    } catch (error) {
      // 409: it finished meanwhile; the next refresh shows its final state. A 401 needs the user's attention.
      button.title = error.message;
      if (error.status === 401) {
        byId('jobs-error').textContent = error.message;
        byId('jobs-error').hidden = false;
        button.disabled = false;
        button.textContent = 'Cancel';
        return;
      }
    }
    this.refresh();
  }
}

const formatEpoch = (epoch) => (Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(1));

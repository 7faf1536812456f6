// The list of recent sweeps (GET /sweeps, polled, so a sweep started with curl shows up too): picking one
// shows it in the sweep view. Until the user picks one, the newest sweep is followed.
import { api } from './api.js';
import { h, byId, syncKeyedList } from './dom.js';
import { relativeTime, shortId } from './format.js';

const POLL_MILLISECONDS = 3000;

export class SweepsPanel {
  /** @param {{onSelect: (id) => void, onUpdate?: (sweeps) => void}} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    this.list = byId('sweeps-list');
    this.sweeps = [];
    this.items = new Map(); // sweep id -> {element, button, parts}
    this.selected = null;
    this.picked = false; // whether the user chose the shown sweep (else the newest is followed)
    this.timer = 0;
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.refresh(); });
  }

  start() {
    this.refresh();
  }

  async refresh() {
    clearTimeout(this.timer);
    try {
      this.sweeps = await api.sweeps();
      byId('sweeps-error').hidden = true;
      this.render();
      this.hooks.onUpdate?.(this.sweeps);
      const newest = this.sweeps[0];
      if (newest && !this.picked && this.selected !== newest.id) this.select(newest.id, { picked: false });
    } catch (error) {
      byId('sweeps-error').textContent = `Could not load sweeps: ${error.message}`;
      byId('sweeps-error').hidden = false;
    }
    this.timer = setTimeout(() => this.refresh(), document.hidden ? POLL_MILLISECONDS * 4 : POLL_MILLISECONDS);
  }

  /** Shows a sweep; `picked` says the user chose it, which stops following the newest. */
  select(id, { picked = true } = {}) {
    this.picked ||= picked;
    this.selected = id;
    for (const [itemId, item] of this.items) item.button.setAttribute('aria-pressed', String(itemId === id));
    this.hooks.onSelect(id);
  }

  render() {
    syncKeyedList(this.list, this.items, this.sweeps, (sweep) => this.createItem(sweep), (item, sweep) => this.updateItem(item, sweep));
    byId('sweeps-empty').hidden = this.sweeps.length > 0;
    const running = this.sweeps.filter((sweep) => sweep.status === 'running' || sweep.status === 'queued').length;
    byId('sweeps-summary').textContent = [running && `${running} running`, `${this.sweeps.length} recent`].filter(Boolean).join(' · ');
  }

  createItem(sweep) {
    const parts = {
      status: h('span', { class: 'badge' }),
      name: h('span', { class: 'sweep-item-name' }),
      meta: h('span', { class: 'sweep-item-meta' }),
    };
    const button = h('button', {
      type: 'button', class: 'sweep-item', 'aria-pressed': String(sweep.id === this.selected),
      on: { click: () => this.select(sweep.id) },
    }, h('span', { class: 'sweep-item-title' }, parts.status, parts.name), parts.meta);
    const element = h('li', { dataset: { sweepId: sweep.id } }, button);
    return { element, button, parts };
  }

  updateItem(item, sweep) {
    const { parts } = item;
    item.element.dataset.status = sweep.status;
    parts.status.textContent = sweep.status;
    parts.status.className = `badge status-${sweep.status}`;
    parts.name.textContent = sweep.name;
    parts.meta.textContent = `${sweep.progress.done} / ${sweep.progress.points} points · ${sweep.keys.join(' × ')} · `
      + `#${shortId(sweep.id)} · ${relativeTime(sweep.created_at)}`;
    item.button.setAttribute('aria-label', `Show sweep ${sweep.name} #${shortId(sweep.id)}, ${sweep.status}`);
  }
}

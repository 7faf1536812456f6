// Wires the panels together: the form starts jobs, the jobs list feeds the curves and refreshes the
// models when a job succeeds, the sweep form (on the training form's request) starts sweeps that the sweep
// view follows, and "#models/NAME/VERSION" links open a version in the gallery.
import { TrainForm } from './train-form.js';
import { JobsPanel } from './jobs.js';
import { CurvesPanel } from './curves.js';
import { ModelStore } from './models.js';
import { Gallery } from './gallery.js';
import { DrawPanel } from './draw.js';
import { SweepForm } from './sweep-form.js';
import { SweepsPanel } from './sweeps.js';
import { SweepView } from './sweep-view.js';
import { ApiKeyField } from './api-key.js';
import { byId } from './dom.js';

new ApiKeyField(byId('api-key'));
const store = new ModelStore();
const gallery = new Gallery(store, { onPlotVersion: (version) => curves.addVersion(version) });
const curves = new CurvesPanel({ onRunsChanged: () => jobs.syncPlotted() });
const jobs = new JobsPanel({
  isPlotted: (id) => curves.has(id),
  onPlotToggle: (job, on) => (on ? curves.addJob(job) : curves.remove(job.id)),
  onUpdate: (list, changed) => {
    curves.onJobsUpdated(list);
    // On first load plot the running job, else the newest successful one, so the charts are not empty.
    if (!jobs.initialised) {
      jobs.initialised = true;
      const first = list.find((job) => job.status === 'running') || list.find((job) => job.status === 'succeeded') || list[0];
      if (first) curves.addJob(first);
      return;
    }
    if (changed.some((job) => job.status === 'succeeded')) store.refresh();
  },
});
const form = new TrainForm({
  onSubmitted: (job) => {
    curves.addJob(job);
    jobs.refresh();
  },
});
new DrawPanel(store);
// A finished sweep has new versions, and perhaps a new alias.
const sweepView = new SweepView({ onFinished: () => { store.refresh(); sweeps.refresh(); } });
const sweeps = new SweepsPanel({
  onSelect: (id) => sweepView.show(id),
  onUpdate: (list) => list.forEach((sweep) => sweepView.update(sweep)),
});
new SweepForm(form, {
  onSubmitted: (sweep) => {
    sweeps.refresh();
    sweeps.select(sweep.id);
    jobs.refresh();
  },
});

/** "#models/NAME/VERSION" selects that version in the gallery and scrolls to it. */
function followHash() {
  const match = /^#models\/([^/]+)(?:\/([^/]+))?$/.exec(location.hash);
  if (match) gallery.select(decodeURIComponent(match[1]), match[2] ? decodeURIComponent(match[2]) : 'latest', { scroll: true });
}
window.addEventListener('hashchange', followHash);
// A link to the version already in the address bar fires no hashchange: follow it anyway.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href^="#models/"]');
  if (link && link.getAttribute('href') === location.hash) followHash();
});

form.load();
jobs.start();
sweeps.start();
store.refresh().then(() => {
  const first = store.models[0];
  if (location.hash.startsWith('#models/')) followHash();
  else if (first) gallery.select(first.name, 'latest');
});

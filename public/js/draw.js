// The drawing pad: pointer events (mouse, pen, touch) draw white ink; the ink is downsampled the
// MNIST way, shown as the 28x28 the model sees, and sent to POST /predict while drawing.
import { api } from './api.js';
import { h, byId, replaceChildren } from './dom.js';
import { percent } from './format.js';
import { takesImages } from './models.js';
import { toMnistPixels, alphaChannel, MNIST_SIZE } from './mnist-preprocess.js';

const PREDICT_INTERVAL_MS = 150;

export class DrawPanel {
  /** @param {import('./models.js').ModelStore} store */
  constructor(store) {
    this.store = store;
    this.canvas = byId('draw-canvas');
    this.context = this.canvas.getContext('2d', { willReadFrequently: true });
    this.preview = byId('draw-preview').getContext('2d');
    this.modelSelect = byId('draw-model');
    this.versionSelect = byId('draw-version');
    this.strokes = 0;
    this.drawing = null; // {pointerId, x, y} while a stroke is drawn
    this.inFlight = false;
    this.again = false;
    this.lastPrediction = 0;
    this.timer = 0;
    this.bars = [];

    this.bindPointer();
    byId('draw-clear').addEventListener('click', () => this.clear());
    this.modelSelect.addEventListener('change', () => { this.fillVersions(); this.predictSoon(0); });
    this.versionSelect.addEventListener('change', () => this.predictSoon(0));
    store.addEventListener('change', () => this.onModelsChanged());
    this.clear();
  }

  get lineWidth() {
    return this.canvas.width * 0.075;
  }

  /** Canvas coordinates of a pointer event (the canvas is scaled by CSS). */
  position(event) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * this.canvas.width,
      y: ((event.clientY - rect.top) / rect.height) * this.canvas.height,
    };
  }

  bindPointer() {
    const canvas = this.canvas;
    canvas.addEventListener('pointerdown', (event) => {
      if (event.pointerType === 'mouse' && event.button !== 0) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      const point = this.position(event);
      this.drawing = { pointerId: event.pointerId, ...point };
      this.strokes++;
      this.dot(point);
      this.predictSoon();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!this.drawing || event.pointerId !== this.drawing.pointerId) return;
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      for (const sample of events.length ? events : [event]) {
        const point = this.position(sample);
        this.line(this.drawing, point);
        Object.assign(this.drawing, point);
      }
      this.predictSoon();
    });
    const end = (event) => {
      if (!this.drawing || event.pointerId !== this.drawing.pointerId) return;
      this.drawing = null;
      this.predictSoon(0);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  dot({ x, y }) {
    const context = this.context;
    context.fillStyle = '#fff';
    context.beginPath();
    context.arc(x, y, this.lineWidth / 2, 0, Math.PI * 2);
    context.fill();
  }

  line(from, to) {
    const context = this.context;
    context.strokeStyle = '#fff';
    context.lineWidth = this.lineWidth;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }

  clear() {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.strokes = 0;
    this.preview.clearRect(0, 0, MNIST_SIZE, MNIST_SIZE);
    clearTimeout(this.timer);
    this.showIdle();
  }

  /** The 784 grey levels the model sees for the current drawing. */
  pixels() {
    const { width, height } = this.canvas;
    const image = this.context.getImageData(0, 0, width, height);
    return toMnistPixels(alphaChannel(image.data), width, height);
  }

  drawPreview(pixels) {
    const image = this.preview.createImageData(MNIST_SIZE, MNIST_SIZE);
    pixels.forEach((value, index) => {
      image.data.set([value, value, value, 255], index * 4);
    });
    this.preview.putImageData(image, 0, 0);
  }

  /** Predicts at most every PREDICT_INTERVAL_MS while drawing, with one request in flight. */
  predictSoon(delay) {
    clearTimeout(this.timer);
    const wait = delay ?? Math.max(0, PREDICT_INTERVAL_MS - (performance.now() - this.lastPrediction));
    this.timer = setTimeout(() => this.predict(), wait);
  }

  async predict() {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.strokes === 0) return this.showIdle();
    this.lastPrediction = performance.now();
    const pixels = this.pixels();
    this.drawPreview(pixels);
    if (this.imageModels().length === 0) {
      this.showIdle('Train an MNIST model first: its predictions appear here.');
      return;
    }
    this.inFlight = true;
    try {
      // The service's default model may read tabular features: then ask the newest image model.
      const model = this.modelSelect.value || (this.serviceDefaultTakesImages() ? '' : this.imageModels()[0].name);
      const answer = await api.predict(pixels, model, this.modelSelect.value ? this.versionSelect.value : 'latest');
      byId('draw-error').hidden = true;
      this.showPrediction(answer);
    } catch (error) {
      byId('draw-error').textContent = `No prediction: ${error.message}`;
      byId('draw-error').hidden = false;
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.predictSoon(0);
      }
    }
  }

  imageModels() {
    return this.store.models.filter((model) => takesImages(model.versions[0]));
  }

  /** Whether /predict without a model (alias "default", else the newest version) reads images. */
  serviceDefaultTakesImages() {
    const aliased = this.store.models.find((model) => model.aliases && 'default' in model.aliases);
    if (aliased) return takesImages(this.store.version(aliased.name, 'default'));
    const newest = this.store.models.flatMap((model) => model.versions)
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
    return takesImages(newest);
  }

  showIdle(caption = 'Draw to get a prediction.') {
    const prediction = byId('prediction');
    delete prediction.dataset.label;
    byId('prediction-label').textContent = '?';
    byId('prediction-caption').textContent = caption;
    for (const bar of this.bars) this.setBar(bar, 0, false);
  }

  showPrediction({ model, predictions }) {
    const [{ label, probabilities }] = predictions;
    const version = this.store.version(model.name, model.version);
    const classes = version?.classes ?? probabilities.map((_, index) => index);
    this.ensureBars(classes);
    const best = probabilities.indexOf(Math.max(...probabilities));
    probabilities.forEach((probability, index) => this.setBar(this.bars[index], probability, index === best));
    const prediction = byId('prediction');
    prediction.dataset.label = String(label);
    prediction.dataset.model = `${model.name}@${model.version}`;
    byId('prediction-label').textContent = String(label);
    byId('prediction-caption').textContent = `${percent(probabilities[best], 1)} sure · ${model.name} v${model.version}`;
  }

  ensureBars(classes) {
    if (this.bars.length === classes.length && this.bars.every((bar, index) => bar.label === String(classes[index]))) return;
    this.bars = classes.map((label) => {
      const fill = h('span', { class: 'prob-fill' });
      const value = h('span', { class: 'prob-value', text: '0%' });
      const element = h('li', { class: 'prob-bar' },
        h('span', { class: 'prob-label', text: String(label) }),
        h('span', { class: 'prob-track', 'aria-hidden': 'true' }, fill),
        value);
      return { label: String(label), element, fill, value };
    });
    replaceChildren(byId('prediction-bars'), this.bars.map((bar) => bar.element));
  }

  setBar(bar, probability, isBest) {
    bar.fill.style.width = `${(probability * 100).toFixed(1)}%`;
    bar.value.textContent = percent(probability, 1);
    bar.element.classList.toggle('best', isBest);
    bar.element.setAttribute('aria-label', `class ${bar.label}: ${percent(probability, 1)}`);
  }

  onModelsChanged() {
    const current = this.modelSelect.value;
    const usable = this.imageModels();
    replaceChildren(this.modelSelect,
      h('option', { value: '', text: 'Default model' }),
      usable.map((model) => h('option', { value: model.name, text: `${model.name} (${percent(model.versions[0]?.metrics?.accuracy)})` })));
    this.modelSelect.value = usable.some((model) => model.name === current) ? current : '';
    this.fillVersions();
    if (!this.bars.length) this.ensureBars(usable[0]?.versions[0]?.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    if (this.strokes) this.predictSoon(0);
  }

  fillVersions() {
    const model = this.store.find(this.modelSelect.value);
    const current = this.versionSelect.value;
    this.versionSelect.disabled = !model;
    const options = [h('option', { value: 'latest', text: 'latest' })];
    if (model) {
      for (const alias of Object.keys(model.aliases || {}).sort()) options.push(h('option', { value: alias, text: alias }));
      for (const version of model.versions) options.push(h('option', { value: String(version.version), text: `v${version.version}` }));
    }
    replaceChildren(this.versionSelect, options);
    this.versionSelect.value = [...this.versionSelect.options].some((option) => option.value === current) ? current : 'latest';
  }
}

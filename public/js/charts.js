// Canvas line charts: labelled axes with "nice" ticks, linear or log x and y scales, shaded bands (a mean's
// ± std), a marked x (a sweep's best point), a hover (or keyboard) crosshair with a tooltip of every series'
// value, and crisp drawing on high-DPI screens.
import { h, cssVariable } from './dom.js';

/**
 * Exponential moving average, debiased like TensorBoard's smoothing so the first values are not
 * pulled toward zero. `weight` 0 returns the values unchanged; null values stay null.
 */
export function ema(values, weight) {
  if (!(weight > 0)) return values.slice();
  let average = 0, count = 0;
  return values.map((value) => {
    if (value === null || value === undefined || !Number.isFinite(value)) return null;
    count++;
    average = average * weight + (1 - weight) * value;
    return average / (1 - weight ** count);
  });
}

/** Tick values covering [min, max] with steps of 1, 2 or 5 times a power of ten. */
export function linearTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const step = (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude;
  const ticks = [];
  for (let tick = Math.ceil(min / step - 1e-9) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push(Math.abs(tick) < step * 1e-9 ? 0 : Number(tick.toPrecision(12)));
  }
  return ticks;
}

/** Powers of ten in [min, max] (and 2x, 5x when the range spans few decades). */
export function logTicks(min, max) {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const multipliers = high - low <= 2 ? [1, 2, 5] : [1];
  const ticks = [];
  for (let exponent = low; exponent <= high; exponent++) {
    for (const multiplier of multipliers) {
      const tick = Number((multiplier * 10 ** exponent).toPrecision(12));
      if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9)) ticks.push(tick);
    }
  }
  return ticks.length >= 2 ? ticks : [min, max];
}

const TOOLTIP_ROWS = 10;

/** At most `count` of `ticks`, evenly picked from the first, so labels of a long log axis do not collide. */
export function thinned(ticks, count) {
  if (ticks.length <= count) return ticks;
  const step = Math.ceil((ticks.length - 1) / (Math.max(2, count) - 1));
  return ticks.filter((_, index) => index % step === 0);
}

const defaultFormat = (value) => {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(0).replace('e+', 'e');
  return Number(value.toPrecision(4)).toString();
};

export class LineChart {
  /**
   * @param {HTMLElement} container an element to fill (positioned relatively by the chart)
   * @param {{label: string, yLabel: string, yFormat?: (value, precise, tickStep) => string, emptyText?: string}} options
   */
  constructor(container, options) {
    this.options = { yFormat: defaultFormat, emptyText: 'No data yet', ...options };
    this.container = container;
    container.classList.add('chart');
    this.canvas = h('canvas', { tabindex: 0, role: 'img', 'aria-label': options.label });
    this.tooltip = h('div', { class: 'chart-tooltip', hidden: true, 'aria-live': 'polite' });
    container.append(this.canvas, this.tooltip);
    this.data = { series: [], bands: [], marker: null, xLabel: '', xFormat: defaultFormat, logX: false, logY: false };
    this.cursorX = null; // data x of the crosshair, or null
    this.frame = 0;

    this.canvas.addEventListener('pointermove', (event) => this.hoverAt(event.offsetX));
    this.canvas.addEventListener('pointerleave', () => this.setCursor(null));
    this.canvas.addEventListener('keydown', (event) => this.onKey(event));
    this.canvas.addEventListener('blur', () => this.setCursor(null));
    new ResizeObserver(() => this.render()).observe(container);
  }

  /**
   * series: [{label, color, dash?: number[], faded?: boolean, points: [[x, y], ...] sorted by x}];
   * bands: [{color, points: [[x, low, high], ...] sorted by x}], shaded behind the series;
   * marker: {x, label} or null, a vertical line with its label and a ring on each series' point at that x.
   */
  update(data) {
    this.data = { ...this.data, ...data };
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Finite points of a series, without values <= 0 on a log scale. */
  visiblePoints(series) {
    const { logX, logY } = this.data;
    return series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0) && (!logX || x > 0));
  }

  /** A band's finite points, as [x, low, high]. */
  visibleBand(band) {
    const { logX, logY } = this.data;
    return band.points.filter(([x, low, high]) => Number.isFinite(x) && Number.isFinite(low) && Number.isFinite(high)
      && (!logX || x > 0) && (!logY || low > 0));
  }

  layout() {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight || 240;
    const all = this.data.series.flatMap((series) => this.visiblePoints(series));
    if (all.length === 0) return { width, height, empty: true };
    for (const band of this.data.bands || []) {
      for (const [bx, low, high] of this.visibleBand(band)) all.push([bx, low], [bx, high]);
    }

    const logX = this.data.logX;
    let xMin = Math.min(...all.map((p) => p[0])), xMax = Math.max(...all.map((p) => p[0]));
    if (xMax === xMin) {
      if (logX) { xMin /= 2; xMax *= 2; } else { xMin -= 1; xMax += 1; }
    }
    let yMin = Math.min(...all.map((p) => p[1])), yMax = Math.max(...all.map((p) => p[1]));
    let yTicks;
    if (this.data.logY) {
      if (yMax === yMin) { yMin /= 2; yMax *= 2; }
      yMin /= 1.15; yMax *= 1.15;
      yTicks = logTicks(yMin, yMax);
    } else {
      const padding = yMax === yMin ? Math.abs(yMax) * 0.1 || 1 : (yMax - yMin) * 0.08;
      yMin -= padding; yMax += padding;
      yTicks = linearTicks(yMin, yMax, height < 200 ? 3 : 5);
    }
    const context = this.canvas.getContext('2d');
    context.font = this.font();
    const yStep = yTicks.length > 1 ? Math.abs(yTicks[1] - yTicks[0]) : 0;
    const labelWidth = Math.max(...yTicks.map((tick) => context.measureText(this.options.yFormat(tick, false, yStep)).width));
    const plot = { left: Math.ceil(labelWidth) + 34, right: width - 14, top: 12, bottom: height - 42 };
    // A log axis is padded a little, so the end points' markers are not cut off at the edges.
    if (logX) { const pad = (Math.log10(xMax) - Math.log10(xMin)) * 0.03; xMin /= 10 ** pad; xMax *= 10 ** pad; }
    const xTicks = logX ? thinned(logTicks(xMin, xMax), Math.max(2, Math.floor((plot.right - plot.left) / 56)))
      : linearTicks(xMin, xMax, Math.max(2, Math.min(7, Math.floor((plot.right - plot.left) / 80))));
    // Leave room for half of the last x label when its tick sits at the right edge.
    const lastLabel = context.measureText(this.data.xFormat(xTicks[xTicks.length - 1])).width;
    plot.right = width - Math.max(14, Math.ceil(lastLabel / 2) + 4);
    const y = this.data.logY
      ? (value) => plot.bottom - ((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (plot.bottom - plot.top)
      : (value) => plot.bottom - ((value - yMin) / (yMax - yMin)) * (plot.bottom - plot.top);
    const x = logX
      ? (value) => plot.left + ((Math.log10(value) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (plot.right - plot.left)
      : (value) => plot.left + ((value - xMin) / (xMax - xMin)) * (plot.right - plot.left);
    const xInverse = logX
      ? (pixel) => 10 ** (Math.log10(xMin) + ((pixel - plot.left) / (plot.right - plot.left)) * (Math.log10(xMax) - Math.log10(xMin)))
      : (pixel) => xMin + ((pixel - plot.left) / (plot.right - plot.left)) * (xMax - xMin);
    return { width, height, plot, x, y, xInverse, xTicks, yTicks, yStep, xMin, xMax };
  }

  font(size = 12) {
    return `${size}px ${cssVariable('--font-sans') || 'system-ui, sans-serif'}`;
  }

  render() {
    const layout = this.layout();
    this.lastLayout = layout;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = layout;
    if (width === 0) return;
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const context = this.canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const colors = {
      text: cssVariable('--text-muted') || '#4b5563',
      grid: cssVariable('--chart-grid') || '#e5e7eb',
      axis: cssVariable('--chart-axis') || '#9ca3af',
    };

    this.recordDrawn(layout);
    if (layout.empty) {
      context.fillStyle = colors.text;
      context.font = this.font(13);
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      context.fillText(this.data.emptyText || this.options.emptyText, width / 2, height / 2);
      this.tooltip.hidden = true;
      return;
    }
    this.drawAxes(context, layout, colors);
    context.save();
    context.beginPath();
    context.rect(layout.plot.left, layout.plot.top - 4, layout.plot.right - layout.plot.left + 4, layout.plot.bottom - layout.plot.top + 8);
    context.clip();
    for (const band of this.data.bands || []) this.drawBand(context, layout, band);
    for (const series of this.data.series) this.drawSeries(context, layout, series);
    context.restore();
    this.drawMarker(context, layout);
    this.drawCursor(context, layout, colors);
  }

  /** What was drawn, on the container's data attributes: for tests, and for anyone reading the DOM. */
  recordDrawn(layout) {
    const drawn = layout.empty ? [] : this.data.series.filter((series) => !series.faded).map((series) => this.visiblePoints(series).length).filter(Boolean);
    this.container.dataset.seriesDrawn = String(drawn.length);
    this.container.dataset.pointsDrawn = String(drawn.reduce((sum, count) => sum + count, 0));
    this.container.dataset.xScale = this.data.logX ? 'log' : 'linear';
    const marker = this.data.marker;
    if (!layout.empty && marker && Number.isFinite(marker.x)) this.container.dataset.markerX = String(marker.x);
    else delete this.container.dataset.markerX;
  }

  drawBand(context, layout, band) {
    const points = this.visibleBand(band);
    if (points.length === 0) return;
    context.fillStyle = band.color;
    context.globalAlpha = 0.16;
    context.beginPath();
    points.forEach(([px, , high], index) => context[index === 0 ? 'moveTo' : 'lineTo'](layout.x(px), layout.y(high)));
    for (let index = points.length - 1; index >= 0; index--) context.lineTo(layout.x(points[index][0]), layout.y(points[index][1]));
    context.closePath();
    context.fill();
    // A single point has no area: show its extent as an error bar instead.
    if (points.length === 1) {
      const [px, low, high] = points[0];
      context.globalAlpha = 0.5;
      context.fillRect(layout.x(px) - 1.5, layout.y(high), 3, layout.y(low) - layout.y(high));
    }
    context.globalAlpha = 1;
  }

  drawMarker(context, layout) {
    const marker = this.data.marker;
    if (!marker || !Number.isFinite(marker.x) || (this.data.logX && marker.x <= 0)) return;
    const px = Math.round(layout.x(marker.x)) + 0.5;
    const color = cssVariable('--success') || '#067647';
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.setLineDash([5, 3]);
    context.beginPath(); context.moveTo(px, layout.plot.top); context.lineTo(px, layout.plot.bottom); context.stroke();
    context.setLineDash([]);
    for (const series of this.data.series) {
      if (series.faded) continue;
      const point = this.visiblePoints(series).find(([x]) => x === marker.x);
      if (!point) continue;
      context.beginPath();
      context.arc(layout.x(point[0]), layout.y(point[1]), 5, 0, Math.PI * 2);
      context.stroke();
    }
    if (marker.label) {
      context.fillStyle = color;
      context.font = this.font(11);
      context.textBaseline = 'top';
      context.textAlign = px > (layout.plot.left + layout.plot.right) / 2 ? 'right' : 'left';
      context.fillText(marker.label, px + (context.textAlign === 'right' ? -4 : 4), layout.plot.top);
    }
    context.lineWidth = 1;
  }

  drawAxes(context, { plot, x, y, xTicks, yTicks, yStep, height }, colors) {
    context.font = this.font();
    context.lineWidth = 1;
    // Grid and y tick labels.
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    for (const tick of yTicks) {
      const py = Math.round(y(tick)) + 0.5;
      context.strokeStyle = colors.grid;
      context.beginPath(); context.moveTo(plot.left, py); context.lineTo(plot.right, py); context.stroke();
      context.fillStyle = colors.text;
      context.fillText(this.options.yFormat(tick, false, this.data.logY ? 0 : yStep), plot.left - 6, py);
    }
    // x tick labels.
    context.textAlign = 'center';
    context.textBaseline = 'top';
    for (const tick of xTicks) {
      const px = Math.round(x(tick)) + 0.5;
      context.strokeStyle = colors.grid;
      context.beginPath(); context.moveTo(px, plot.top); context.lineTo(px, plot.bottom); context.stroke();
      context.fillStyle = colors.text;
      context.fillText(this.data.xFormat(tick), px, plot.bottom + 6);
    }
    // Axis lines.
    context.strokeStyle = colors.axis;
    context.beginPath();
    context.moveTo(plot.left + 0.5, plot.top); context.lineTo(plot.left + 0.5, plot.bottom + 0.5); context.lineTo(plot.right, plot.bottom + 0.5);
    context.stroke();
    // Axis titles.
    context.fillStyle = colors.text;
    context.font = this.font(12);
    context.textAlign = 'center';
    context.textBaseline = 'bottom';
    context.fillText(this.data.xLabel, (plot.left + plot.right) / 2, height - 4);
    context.save();
    context.translate(12, (plot.top + plot.bottom) / 2);
    context.rotate(-Math.PI / 2);
    context.textBaseline = 'middle';
    context.fillText(this.options.yLabel + (this.data.logY ? ' (log)' : ''), 0, 0);
    context.restore();
  }

  drawSeries(context, layout, series) {
    const points = this.visiblePoints(series);
    if (points.length === 0) return;
    context.strokeStyle = series.color;
    context.fillStyle = series.color;
    context.globalAlpha = series.faded ? 0.22 : 1;
    context.lineWidth = series.faded ? 1.25 : 2;
    context.lineJoin = 'round';
    context.setLineDash(series.dash || []);
    context.beginPath();
    points.forEach(([px, py], index) => {
      const method = index === 0 ? 'moveTo' : 'lineTo';
      context[method](layout.x(px), layout.y(py));
    });
    context.stroke();
    context.setLineDash([]);
    if (!series.faded && points.length <= 25) {
      for (const [px, py] of points) {
        context.beginPath();
        context.arc(layout.x(px), layout.y(py), 2.25, 0, Math.PI * 2);
        context.fill();
      }
    }
    context.globalAlpha = 1;
  }

  /** The point of `series` nearest to data x, or null. */
  nearest(series, dataX) {
    const distance = (x) => (this.data.logX ? Math.abs(Math.log(x / dataX)) : Math.abs(x - dataX));
    let best = null;
    for (const point of this.visiblePoints(series)) {
      if (!best || distance(point[0]) < distance(best[0])) best = point;
    }
    return best;
  }

  drawCursor(context, layout, colors) {
    if (this.cursorX === null) {
      this.tooltip.hidden = true;
      return;
    }
    const rows = [];
    for (const series of this.data.series) {
      if (series.faded) continue;
      const point = this.nearest(series, this.cursorX);
      if (point) rows.push({ series, point });
    }
    if (rows.length === 0) return;
    // Snap the crosshair to the x of the point nearest to the cursor.
    const distance = (x) => (this.data.logX ? Math.abs(Math.log(x / this.cursorX)) : Math.abs(x - this.cursorX));
    const snapped = rows.reduce((a, b) => (distance(b.point[0]) < distance(a.point[0]) ? b : a)).point[0];
    const px = layout.x(snapped);
    context.strokeStyle = colors.axis;
    context.setLineDash([3, 3]);
    context.beginPath(); context.moveTo(px, layout.plot.top); context.lineTo(px, layout.plot.bottom); context.stroke();
    context.setLineDash([]);
    for (const { series, point } of rows) {
      context.fillStyle = series.color;
      context.beginPath();
      context.arc(layout.x(point[0]), layout.y(point[1]), 4, 0, Math.PI * 2);
      context.fill();
    }
    // Many series (a coefficient path) would make a tooltip taller than the chart: keep the largest values.
    const shown = rows.length > TOOLTIP_ROWS
      ? [...rows].sort((a, b) => Math.abs(b.point[1]) - Math.abs(a.point[1])).slice(0, TOOLTIP_ROWS) : rows;
    this.tooltip.replaceChildren(
      h('div', { class: 'chart-tooltip-title', text: `${this.data.xLabel}: ${this.data.xFormat(snapped)}` }),
      ...shown.map(({ series, point }) => h('div', { class: 'chart-tooltip-row' },
        h('span', { class: 'swatch', style: { background: series.color }, 'aria-hidden': 'true' }),
        h('span', { class: 'chart-tooltip-label', text: series.label }),
        h('span', { class: 'chart-tooltip-value', text: this.options.yFormat(point[1], true) }))),
      rows.length > shown.length ? h('div', { class: 'chart-tooltip-row muted', text: `… and ${rows.length - shown.length} more` }) : null,
    );
    this.tooltip.hidden = false;
    const tipWidth = this.tooltip.offsetWidth;
    const left = px + 14 + tipWidth > layout.width ? px - 14 - tipWidth : px + 14;
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${layout.plot.top + 4}px`;
  }

  setCursor(dataX) {
    if (this.cursorX === dataX) return;
    this.cursorX = dataX;
    this.render();
  }

  hoverAt(pixelX) {
    const layout = this.lastLayout;
    if (!layout || layout.empty) return;
    if (pixelX < layout.plot.left - 10 || pixelX > layout.plot.right + 10) return this.setCursor(null);
    this.setCursor(layout.xInverse(pixelX));
  }

  /** Arrow keys move the crosshair from point to point; Escape hides it. */
  onKey(event) {
    const xs = [...new Set(this.data.series.filter((s) => !s.faded).flatMap((s) => this.visiblePoints(s).map((p) => p[0])))].sort((a, b) => a - b);
    if (xs.length === 0) return;
    let index = this.cursorX === null ? -1 : xs.findIndex((value) => value >= this.cursorX - 1e-12);
    if (event.key === 'ArrowRight') index = this.cursorX === null ? 0 : Math.min(xs.length - 1, index + 1);
    else if (event.key === 'ArrowLeft') index = this.cursorX === null ? xs.length - 1 : Math.max(0, index - 1);
    else if (event.key === 'Home') index = 0;
    else if (event.key === 'End') index = xs.length - 1;
    else if (event.key === 'Escape') return this.setCursor(null);
    else return;
    event.preventDefault();
    this.setCursor(xs[index]);
  }
}

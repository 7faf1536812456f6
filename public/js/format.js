// Number and time formatting shared by the panels.

export const percent = (value, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;

export function number(value, significant = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2).replace('e+', 'e');
  return Number(value.toPrecision(significant)).toString();
}

export function seconds(value) {
  if (value === null || value === undefined) return '–';
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 60) return `${value.toFixed(1)} s`;
  const minutes = Math.floor(value / 60);
  return `${minutes} min ${Math.round(value % 60)} s`;
}

export function relativeTime(isoString, now = Date.now()) {
  if (!isoString) return '';
  const elapsed = (now - Date.parse(isoString)) / 1000;
  if (elapsed < 5) return 'just now';
  if (elapsed < 60) return `${Math.round(elapsed)} s ago`;
  if (elapsed < 3600) return `${Math.round(elapsed / 60)} min ago`;
  if (elapsed < 86400) return `${Math.round(elapsed / 3600)} h ago`;
  return new Date(isoString).toLocaleDateString();
}

export const dateTime = (isoString) => (isoString ? new Date(isoString).toLocaleString() : '');

/** Duration between two ISO timestamps (the second defaults to now). */
export function duration(startIso, endIso) {
  if (!startIso) return null;
  return ((endIso ? Date.parse(endIso) : Date.now()) - Date.parse(startIso)) / 1000;
}

export const shortId = (id) => String(id).slice(0, 8);

// A thin client for the Logit HTTP API. Every call resolves to the parsed JSON body or throws ApiError.
// Every request carries the tab's API key when one was typed (api-key.js): the service checks it only where
// api_keys demands one, so it goes on reads too rather than the page keeping its own list of routes that change.
import { apiKey, authorizationHeaders, unauthorizedMessage, UNAUTHORIZED_EVENT } from './api-key.js';

/** An error answer from the service: {"error", "code", "details": [{"field", "message"}]}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `request failed with HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code || 'HTTP_ERROR';
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

async function request(method, path, body) {
  const key = apiKey();
  const init = { method, headers: { Accept: 'application/json', ...authorizationHeaders(key) } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (networkError) {
    throw new ApiError(0, { error: 'The service cannot be reached.', code: 'NETWORK' });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: text.slice(0, 200) };
  }
  if (response.status === 401) {
    // The service's sentence names a header the page's user never sees: point at the key field instead.
    globalThis.dispatchEvent?.(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(401, { error: unauthorizedMessage(Boolean(key)), code: parsed?.code || 'UNAUTHORIZED' });
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

const segment = encodeURIComponent;
const versionPath = (name, version) => `/models/${segment(name)}/versions/${segment(String(version))}`;

export const api = {
  datasets: () => request('GET', '/datasets').then((body) => body.datasets),
  trainingDefaults: () => request('GET', '/train/defaults'),
  train: (plan) => request('POST', '/train', plan).then((body) => body.job),
  jobs: () => request('GET', '/jobs').then((body) => body.jobs),
  job: (id) => request('GET', `/jobs/${segment(id)}`),
  cancelJob: (id) => request('POST', `/jobs/${segment(id)}/cancel`),
  sweep: (body) => request('POST', '/sweeps', body).then((answer) => answer.sweep),
  sweeps: () => request('GET', '/sweeps').then((body) => body.sweeps),
  sweepById: (id) => request('GET', `/sweeps/${segment(id)}`),
  cancelSweep: (id) => request('POST', `/sweeps/${segment(id)}/cancel`),
  models: () => request('GET', '/models').then((body) => body.models),
  model: (name) => request('GET', `/models/${segment(name)}`),
  version: (name, version) => request('GET', versionPath(name, version)),
  metrics: (name, version) => request('GET', `${versionPath(name, version)}/metrics`),
  curves: (name, version) => request('GET', `${versionPath(name, version)}/curves`).then((body) => body.points),
  setAlias: (name, alias, version) => request('PUT', `/models/${segment(name)}/aliases/${segment(alias)}`, { version }),
  deleteAlias: (name, alias) => request('DELETE', `/models/${segment(name)}/aliases/${segment(alias)}`),
  predict: (pixels, model, version) => {
    const body = { pixels: Array.from(pixels) };
    if (model) body.model = model;
    if (model && version !== undefined && version !== '') body.version = /^\d+$/.test(String(version)) ? Number(version) : version;
    return request('POST', '/predict', body);
  },
};

/** Addresses of a version's files (images and the HDF5 download). */
export const urls = {
  eventStream: (jobId) => `/jobs/${segment(jobId)}/events`,
  sweepEvents: (sweepId) => `/sweeps/${segment(sweepId)}/events`,
  weights: (name, version, options = {}) => withQuery(`${versionPath(name, version)}/weights.png`, options),
  meanImages: (name, version) => `${versionPath(name, version)}/mean-images.png`,
  misclassified: (name, version, limit = 36) => `${versionPath(name, version)}/misclassified.png?limit=${limit}`,
  modelFile: (name, version) => `${versionPath(name, version)}/model.h5`,
};

function withQuery(path, parameters) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

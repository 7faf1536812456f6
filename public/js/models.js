// Shared list of models with all their versions (GET /models, then GET /models/{name} for each).
// The gallery and the drawing panel listen for its "change" event.
import { api } from './api.js';

/** True when a version takes 28x28 images (so it has weight images and can read a drawing). */
export const takesImages = (version) => version?.input?.shape?.[1] === 784;

export class ModelStore extends EventTarget {
  constructor() {
    super();
    this.models = []; // [{name, latest_version, aliases, created_at, version_count, versions: [...]}]
    this.error = null;
    this.pending = null;
  }

  /** Reloads everything; concurrent calls share one load. */
  refresh() {
    this.pending ??= this.load().finally(() => { this.pending = null; });
    return this.pending;
  }

  async load() {
    try {
      const summaries = await api.models();
      const details = await Promise.all(summaries.map((summary) => api.model(summary.name).catch(() => ({ ...summary, versions: [] }))));
      this.models = details.map((detail) => ({ ...detail, versions: [...(detail.versions || [])].sort((a, b) => b.version - a.version) }));
      this.models.sort((a, b) => Date.parse(latestCreated(b)) - Date.parse(latestCreated(a)));
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.dispatchEvent(new Event('change'));
  }

  find(name) {
    return this.models.find((model) => model.name === name);
  }

  /** A version by number, "latest" or alias. */
  version(name, reference) {
    const model = this.find(name);
    if (!model) return undefined;
    if (reference === 'latest' || reference === undefined) return model.versions[0];
    const number = Number(reference);
    if (Number.isInteger(number)) return model.versions.find((version) => version.version === number);
    const aliased = model.aliases?.[reference];
    return model.versions.find((version) => version.version === aliased);
  }
}

const latestCreated = (model) => model.versions?.[0]?.created_at || model.created_at;

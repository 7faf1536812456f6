// The API key the page sends as "Authorization: Bearer <key>" when the service has api_keys set. It lives in
// sessionStorage: it lasts as long as this tab, and no other tab or later visit can read it (never localStorage).

export const API_KEY_STORAGE = 'logit.apiKey';

/** The key typed in this tab, or '' (also when the browser refuses storage, e.g. some private modes). */
export function apiKey(storage = globalThis.sessionStorage) {
  try {
    return storage?.getItem(API_KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

/** Keeps `value` (trimmed) for this tab's session; an empty value forgets the key. */
export function setApiKey(value, storage = globalThis.sessionStorage) {
  const key = String(value ?? '').trim();
  try {
    if (key) storage?.setItem(API_KEY_STORAGE, key);
    else storage?.removeItem(API_KEY_STORAGE);
  } catch {
    // Storage refused: the key then works for no request, and a 401 says so.
  }
}

/** The headers that carry the key, none without one. */
export function authorizationHeaders(key = apiKey()) {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** What a 401 means on this page: where to type a key, or that the one typed is wrong. */
export function unauthorizedMessage(hadKey) {
  return hadKey
    ? 'The service refused the API key: check the “API key” field at the top of the page.'
    : 'This needs an API key: enter it in the “API key” field at the top of the page.';
}

/** Event sent on window after a 401, so the key field can point itself out. */
export const UNAUTHORIZED_EVENT = 'logit:unauthorized';

/** The key field in the page header: shows the session's key, stores every edit, and marks itself after a 401. */
export class ApiKeyField {
  constructor(input) {
    this.input = input;
    input.value = apiKey();
    input.addEventListener('input', () => {
      setApiKey(input.value);
      this.mark(false);
    });
    // Enter in the field would submit its form and reload the page: the key is stored as it is typed.
    input.form?.addEventListener('submit', (event) => event.preventDefault());
    window.addEventListener(UNAUTHORIZED_EVENT, () => this.mark(true));
  }

  mark(invalid) {
    this.input.closest('.api-key')?.classList.toggle('needs-key', invalid);
    if (invalid) this.input.setAttribute('aria-invalid', 'true');
    else this.input.removeAttribute('aria-invalid');
  }
}

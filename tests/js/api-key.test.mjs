// The page's API key: kept in sessionStorage only, sent as a bearer token, and a 401 turned into a sentence that
// points at the key field. Run with: node --test tests/js/*.test.mjs
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

import { API_KEY_STORAGE, apiKey, setApiKey, authorizationHeaders, UNAUTHORIZED_EVENT } from '../../public/js/api-key.js';
import { api } from '../../public/js/api.js';

/** A Web Storage stand-in: Node has neither sessionStorage nor localStorage. */
class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
}

beforeEach(() => {
  globalThis.sessionStorage = new MemoryStorage();
  globalThis.localStorage = new MemoryStorage();
});

test('the key is kept in sessionStorage, trimmed, never in localStorage; blank forgets it', () => {
  assert.equal(apiKey(), '');
  setApiKey('  secret-1 ');
  assert.equal(sessionStorage.getItem(API_KEY_STORAGE), 'secret-1');
  assert.equal(apiKey(), 'secret-1');
  assert.equal(localStorage.items.size, 0);
  setApiKey('   ');
  assert.equal(sessionStorage.getItem(API_KEY_STORAGE), null);
  assert.equal(apiKey(), '');
});

test('a storage that throws gives no key rather than an error', () => {
  const refusing = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() {} };
  assert.equal(apiKey(refusing), '');
  assert.doesNotThrow(() => setApiKey('k', refusing));
});

test('the header is a bearer token, and absent without a key', () => {
  assert.deepEqual(authorizationHeaders(''), {});
  assert.deepEqual(authorizationHeaders('abc'), { Authorization: 'Bearer abc' });
});

/** Replaces fetch with one answer, recording the request. */
function answer(status, body) {
  const calls = [];
  globalThis.fetch = async (path, init) => {
    calls.push({ path, init });
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  return calls;
}

test('requests carry the key; a 401 names the key field and announces itself', async () => {
  const events = [];
  globalThis.dispatchEvent = (event) => events.push(event.type);
  const unauthorized = { error: "this request needs 'Authorization: Bearer <API key>'", code: 'UNAUTHORIZED' };

  let calls = answer(401, unauthorized);
  await assert.rejects(api.train({}), (error) => {
    assert.equal(error.status, 401);
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.match(error.message, /enter it in the “API key” field/);
    return true;
  });
  assert.equal(calls[0].init.headers.Authorization, undefined);
  assert.deepEqual(events, [UNAUTHORIZED_EVENT]);

  setApiKey('wrong');
  calls = answer(401, { error: 'the API key is not valid', code: 'UNAUTHORIZED' });
  await assert.rejects(api.deleteAlias('m', 'a'), /refused the API key/);
  assert.equal(calls[0].init.headers.Authorization, 'Bearer wrong');

  setApiKey('right');
  calls = answer(200, { job: { id: 'j1' } });
  assert.deepEqual(await api.train({}), { id: 'j1' });
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer right');
  delete globalThis.dispatchEvent;
});

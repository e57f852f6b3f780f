// Live data from server-sent events, fed by etcd watches on the server:
// - /api/v1/changes/stream: "this topic changed" (nodes, tokens, workloads, discovery): the page
//   reads the API again;
// - /api/v1/events/stream: the cluster's event log as it is written.
// One EventSource each for the whole page; the browser reconnects by itself.

const DEBOUNCE_MS = 150;
const topicListeners = new Map();
const pending = new Set();
const eventListeners = new Set();
let changes = null;
let events = null;

/** Calls fn() whenever the topic changes, and once when the stream (re)connects. */
export function onTopic(topic, fn) {
  if (!topicListeners.has(topic)) topicListeners.set(topic, new Set());
  topicListeners.get(topic).add(fn);
  return () => topicListeners.get(topic).delete(fn);
}

/**
 * Runs the async reload() now and whenever the topic changes, one at a time: a change during a slow
 * reload runs it once more afterwards rather than piling up reloads. Returns { stop, reload }:
 * stop() unsubscribes; reload() asks for a run the same way (after a page's own write).
 */
export function followTopic(topic, reload) {
  let busy = false;
  let again = false;
  const run = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await reload();
    } finally {
      busy = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  const stop = onTopic(topic, run);
  run();
  return { stop, reload: run };
}

/** Calls fn(event) for each new cluster event. */
export function onClusterEvent(fn) {
  eventListeners.add(fn);
  return () => eventListeners.delete(fn);
}

export function startLive() {
  stopLive();
  changes = new EventSource('/api/v1/changes/stream');
  changes.addEventListener('ready', () => topicListeners.forEach((fns) => fns.forEach((f) => f())));
  changes.addEventListener('change', (e) => {
    const { topic } = JSON.parse(e.data);
    // A burst of changes (a join writes several keys) reloads a listing once.
    if (pending.has(topic)) return;
    pending.add(topic);
    setTimeout(() => {
      pending.delete(topic);
      (topicListeners.get(topic) || []).forEach((f) => f());
    }, DEBOUNCE_MS);
  });
  events = new EventSource('/api/v1/events/stream');
  events.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    eventListeners.forEach((f) => f(ev));
  };
}

export function stopLive() {
  if (changes) changes.close();
  if (events) events.close();
  changes = null;
  events = null;
}

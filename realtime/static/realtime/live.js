// The page's one live connection. Elements with data-live-channel/data-live-id say what the
// page shows; this module subscribes to them, replays what was missed after a reconnection
// (the server keeps the events), drops duplicates, and hands each event to the listeners.

const listeners = new Map();
const seen = new Set();
let lastEventId = Number(document.body.dataset.liveSince || 0);
let socket = null;
let retryDelay = 1000;
let stopped = false;

const MAX_DELAY = 30000;
const CLOSE_NOT_AUTHENTICATED = 4401;
const CLOSE_SESSION_ENDED = 4403;

export function on(eventName, listener) {
  if (!listeners.has(eventName)) listeners.set(eventName, []);
  listeners.get(eventName).push(listener);
}

// A count in words, from the page's two renderings of it (data-<prefix>-one, data-<prefix>-other,
// each holding a number to replace), chosen by the page's language.
export function pluralLabel(element, prefix, count) {
  const one = new Intl.PluralRules(document.documentElement.lang).select(count) === "one";
  return element.dataset[one ? `${prefix}One` : `${prefix}Other`].replace(/\d+/, String(count));
}

export function announce(text) {
  const region = document.getElementById("live-announcer");
  if (region) region.textContent = text;
}

function emit(eventName, data, id) {
  for (const listener of listeners.get(eventName) || []) {
    try {
      listener(data, id);
    } catch (error) {
      console.error(error);
    }
  }
}

function subscriptions() {
  const found = new Map();
  for (const element of document.querySelectorAll("[data-live-channel][data-live-id]")) {
    found.set(`${element.dataset.liveChannel}:${element.dataset.liveId}`, {
      channel: element.dataset.liveChannel,
      id: Number(element.dataset.liveId),
    });
  }
  return [...found.values()];
}

function handle(message) {
  if (typeof message.id === "number") {
    if (seen.has(message.id)) return; // replayed and received live: once is enough
    seen.add(message.id);
    if (message.id > lastEventId) lastEventId = message.id;
  }
  emit(message.event, message.data || {}, message.id);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(`${scheme}${location.host}${socketPath}`);
  socket.addEventListener("open", () => {
    retryDelay = 1000;
    document.body.dataset.live = "connected";
    for (const subscription of subscriptions()) {
      // The page's language: rendered events come in it.
      socket.send(JSON.stringify({ type: "subscribe", ...subscription, since: lastEventId, lang: document.documentElement.lang }));
    }
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    handle(message);
  });
  socket.addEventListener("close", (event) => {
    document.body.dataset.live = "disconnected";
    if (stopped || event.code === CLOSE_NOT_AUTHENTICATED || event.code === CLOSE_SESSION_ENDED) {
      emit("closed", { code: event.code });
      return;
    }
    // Back off, with some jitter so that a restarted server is not hit by every page at once.
    const delay = retryDelay * (0.75 + Math.random() / 2);
    retryDelay = Math.min(retryDelay * 2, MAX_DELAY);
    setTimeout(connect, delay);
  });
}

// A message to the server on the page's socket; false if it is not open (the caller falls back).
export function send(message) {
  if (socket?.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

export function post(url, fields, { keepalive = false } = {}) {
  return fetch(url, {
    method: "POST",
    keepalive, // a request sent as the page is left still reaches the server
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    body: new URLSearchParams(fields),
  });
}

export function toElement(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

export async function fetchFragment(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
  if (!response.ok) return null;
  return toElement(await response.text());
}

// What a page's script tells as the page goes (a last read mark) is sent first: frames sent
// before close() leave ahead of its closing handshake.
const leaveHandlers = [];
export function beforeLeaving(handler) {
  leaveHandlers.push(handler);
}

window.addEventListener("pagehide", () => {
  for (const handler of leaveHandlers) {
    try {
      handler();
    } catch (error) {
      console.error(error);
    }
  }
  stopped = true;
  socket?.close();
});

// Pages with something live, and every page with the notification bell, keep one socket.
// The socket's address comes from the layout, as every URL a script uses comes from its page.
const socketPath = document.querySelector('meta[name="live-socket"]')?.content;
if (socketPath && (subscriptions().length || document.querySelector("[data-live-bell]"))) connect();

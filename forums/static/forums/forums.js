// Live forum pages: a thread receives new, edited, hidden and deleted messages in place; forum
// lists and counters follow activity. Every frame carries what the page shows (the message
// rendered for this reader's group, a list row, the reader's own counts), so no event makes the
// page ask the server back; reading is told in batches. Without JavaScript, the same pages are
// complete on reload.
import {
  announce,
  beforeLeaving,
  csrfToken,
  fetchFragment,
  on,
  pluralLabel,
  post,
  send,
  toElement,
} from "../realtime/live.js";

const thread = document.querySelector("[data-thread]");
const postsBox = thread?.querySelector("[data-posts]");
const reader = Number(document.body.dataset.reader || 0);
const READ_EVERY_MS = 5000;

// --- A thread page ------------------------------------------------------------------------

function isModerator() {
  return thread.dataset.moderator !== undefined;
}

function mayReply() {
  return thread.dataset.locked !== "true" || isModerator();
}

// A rendering shared by many readers carries every control; show those of this reader. The
// server refuses whatever the reader may not do, whatever the page shows.
function applyReader(article) {
  const checks = {
    author: () => Number(article.dataset.author) === reader,
    moderator: isModerator,
    reply: mayReply,
  };
  for (const control of article.querySelectorAll("[data-needs]")) {
    control.hidden = !control.dataset.needs.split(" ").every((need) => checks[need]?.());
  }
  for (const input of article.querySelectorAll('input[name="csrfmiddlewaretoken"]')) input.value = csrfToken();
}

// A shared rendering knows nobody's reactions: keep this reader's from what the page showed,
// with those they gave or took back since (only their own pages are told who reacted). That frame
// may come before or after the message's new counts; either way the message shows it as theirs.
const myReactionsSince = new Map(); // post id → Map(kind → given)

function keepMyReactions(element, previous) {
  const mine = new Set([...(previous?.querySelectorAll(".reactions > .reaction--mine") || [])].map((b) => b.value));
  for (const [kind, given] of myReactionsSince.get(Number(element.dataset.post)) || []) {
    if (given) mine.add(kind);
    else mine.delete(kind);
  }
  for (const button of element.querySelectorAll(".reactions > button.reaction")) {
    button.classList.toggle("reaction--mine", mine.has(button.value));
    button.setAttribute("aria-pressed", String(mine.has(button.value)));
  }
}

on("reaction.mine", (data) => {
  if (!myReactionsSince.has(data.post)) myReactionsSince.set(data.post, new Map());
  myReactionsSince.get(data.post).set(data.kind, data.given);
  const article = postsBox?.querySelector(`[data-post="${data.post}"]`);
  if (article) keepMyReactions(article, article);
});

// An update of the message must not close the reaction picker or the hiding form the reader has
// open, nor lose the reason they were typing.
function keepWhatTheReaderWasDoing(element, current) {
  for (const details of current.querySelectorAll("details[open][class]")) {
    const same = element.querySelector(`details.${details.classList[0]}`);
    if (same) same.open = true;
  }
  const reason = current.querySelector("input[name=reason]");
  const newReason = element.querySelector("input[name=reason]");
  if (reason && newReason) newReason.value = reason.value;
}

// What a message shows, leaving out the page's own state (open forms, read marks, the token).
function shownContent(article) {
  const copy = article.cloneNode(true);
  copy.classList.remove("post--new", "post--unread");
  for (const details of copy.querySelectorAll("details[open]")) details.removeAttribute("open");
  for (const input of copy.querySelectorAll('input[name="csrfmiddlewaretoken"]')) input.removeAttribute("value");
  return copy;
}

function place(element, data, previous) {
  if (!data.personal) keepMyReactions(element, previous);
  applyReader(element);
  const current = postsBox.querySelector(`[data-post="${data.post}"]`);
  if (current) {
    // Events replayed after connecting often change nothing: the message is left as it is, not
    // swapped under the pointer of a reader who is clicking in it.
    if (shownContent(element).isEqualNode(shownContent(current))) return;
    keepWhatTheReaderWasDoing(element, current);
    current.replaceWith(element);
    return;
  }
  // Keep the thread in order even if events arrive out of order.
  const after = [...postsBox.children].find((child) => Number(child.dataset.number) > data.number);
  postsBox.insertBefore(element, after || null);
  element.classList.add("post--new");
  const author = element.querySelector(".post__header a")?.textContent || "";
  announce(`${document.body.dataset.textNewPost || ""} ${author}`);
  if (Number(element.dataset.author) !== reader) noteNewMessage(data.number);
}

function showMessage(data, { insert }) {
  if (!thread || Number(thread.dataset.thread) !== data.thread) return;
  const existing = postsBox.querySelector(`[data-post="${data.post}"]`);
  // A creation the page already shows (replayed after a reconnection) changes nothing.
  if (existing ? insert : !insert) return;
  if (!existing && thread.dataset.lastPage !== "true") {
    thread.querySelector("[data-new-posts-notice]").hidden = false;
    return;
  }
  if (typeof data.html === "string") {
    place(toElement(data.html), data, existing);
  } else if (typeof data.fetch === "string") {
    // Too large for a frame: this one message is asked for.
    fetchFragment(data.fetch).then((element) => element && place(element, data, existing));
  }
}

on("post.created", (data) => showMessage(data, { insert: true }));
on("thread.created", (data) => showMessage(data, { insert: true }));
for (const name of ["post.edited", "post.hidden", "post.unhidden", "post.deleted", "post.reacted"]) {
  on(name, (data) => showMessage(data, { insert: false }));
}

// Reading: the messages that arrived while the reader could see the page are marked read at most
// every few seconds, on the socket (no request), and once more as the page is left; those that
// came while it was hidden, once it is seen again. Told on leaving, the frame goes out before the
// socket closes (live.js), so even then no request is needed while the socket is open.
let arrivedUpTo = 0;
let seenUpTo = 0;
let sentUpTo = 0;
let readTimer = null;

function noteNewMessage(number) {
  arrivedUpTo = Math.max(arrivedUpTo, number);
  if (document.visibilityState === "visible") markSeen();
}

function markSeen() {
  seenUpTo = Math.max(seenUpTo, arrivedUpTo);
  if (seenUpTo > sentUpTo && !readTimer) readTimer = setTimeout(sendRead, READ_EVERY_MS);
}

function sendRead({ leaving = false } = {}) {
  clearTimeout(readTimer);
  readTimer = null;
  if (!thread || seenUpTo <= sentUpTo) return;
  sentUpTo = seenUpTo;
  const told = send({ type: "read", channel: "thread", id: Number(thread.dataset.thread), number: seenUpTo });
  if (told) return;
  // No socket (reconnecting, offline): one request, sent even as the page goes.
  post(thread.dataset.markReadUrl, { number: seenUpTo }, { keepalive: leaving }).catch(() => {
    sentUpTo = 0; // offline: told again with the next batch
  });
}

// The server could not record a batch of read marks (a busy database): tell it again with the
// next batch, or in a few seconds (a mark never moves back, so telling twice is harmless).
on("error", (data) => {
  if (!thread || data.code !== "try_again") return;
  sentUpTo = 0;
  markSeen();
});

if (thread) {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") markSeen();
  });
  beforeLeaving(() => sendRead({ leaving: true }));
}

function showBadges(data) {
  if (!thread || Number(thread.dataset.thread) !== data.thread) return;
  thread.querySelector('[data-badge="pinned"]').hidden = !data.pinned;
  thread.querySelector('[data-badge="locked"]').hidden = !data.locked;
  thread.dataset.locked = String(Boolean(data.locked));
  for (const article of postsBox.querySelectorAll("[data-post]")) applyReader(article);
  const form = thread.querySelector("[data-reply-form]");
  const notice = thread.querySelector("[data-locked-notice]");
  // Moderators may still reply to a locked thread; the others see why the form went away, or,
  // when they were typing, keep their text on the page to copy, with nothing to send.
  if (form && !isModerator()) {
    form.hidden = data.locked && !form.querySelector("textarea")?.value.trim();
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = Boolean(data.locked);
  }
  const replyLink = thread.querySelector("[data-reply-link]");
  if (replyLink && !isModerator()) replyLink.hidden = data.locked;
  if (notice) notice.hidden = !data.locked || isModerator();
  if (data.locked && !isModerator()) announce(document.body.dataset.textLocked || "");
}
on("thread.locked", showBadges);
on("thread.pinned", showBadges);

on("stale", () => location.reload());

on("unsubscribed", (data) => {
  if (data.channel === "thread" && thread && Number(thread.dataset.thread) === data.id) {
    thread.querySelector("[data-access-lost]").hidden = false;
    thread.querySelector("[data-reply-form]")?.remove();
  }
});

// --- Forum lists: rows and unread counters --------------------------------------------------

function rowOf(threadId) {
  return document.querySelector(`[data-thread-row="${threadId}"]`);
}

function updateRow(data) {
  const row = rowOf(data.thread);
  if (!row) return false;
  if (typeof data.post_count === "number") row.dataset.postCount = data.post_count;
  row.querySelector('[data-cell="posts"]').textContent = row.dataset.postCount;
  const unread = Math.max(0, Number(row.dataset.postCount) - Number(row.dataset.lastRead));
  row.querySelector('[data-cell="unread"]').innerHTML = unread
    ? `<span class="badge badge--accent">${unread}</span>`
    : "";
  return true;
}

function insertRow(data) {
  const rows = document.querySelector(`[data-forum-page="${data.forum}"] [data-thread-rows]`);
  if (!rows || typeof data.html !== "string") return;
  rows.querySelector("[data-empty]")?.remove();
  rowOf(data.thread)?.remove();
  rows.prepend(toElement(data.html));
}

function counters(forumId) {
  return document.querySelectorAll(`[data-forum-unread="${forumId}"]`);
}

function mutedThreads(counter) {
  return new Set((counter.dataset.mutedThreads || "").split(" ").filter(Boolean).map(Number));
}

function setMuted(counter, threadId, muted) {
  const threads = mutedThreads(counter);
  if (muted) threads.add(threadId);
  else threads.delete(threadId);
  counter.dataset.mutedThreads = [...threads].join(" ");
}

function setCount(counter, count) {
  const value = Math.max(0, count);
  counter.dataset.count = String(value);
  counter.textContent = pluralLabel(counter, "label", value);
  counter.className = value ? "badge badge--accent" : "";
}

function addToCount(forumId, threadId, added) {
  for (const counter of counters(forumId)) {
    if (!mutedThreads(counter).has(threadId)) setCount(counter, Number(counter.dataset.count) + added);
  }
}

// Every new message counts; the reader's own come with a frame of their reading that takes them off.
function newMessage(data) {
  if (!updateRow(data) && data.html !== undefined) insertRow(data);
  addToCount(data.forum, data.thread, 1);
}
// The forums index says how many threads each forum holds: a new or moved thread changes it.
function addToThreadCount(forumId, added) {
  const shown = document.querySelector(`[data-thread-count="${forumId}"]`);
  if (!shown) return;
  const count = Math.max(0, Number(shown.dataset.count) + added);
  shown.dataset.count = String(count);
  shown.textContent = pluralLabel(shown, "label", count);
}

on("post.created", (data) => !thread && newMessage(data));
// Replayed events from before the page's own may be in its figures already: not counted again.
const renderedAfter = Number(document.body.dataset.liveSince || 0);
on("thread.created", (data, id) => {
  if (thread) return;
  if (id > renderedAfter) addToThreadCount(data.forum, 1);
  newMessage(data);
});
on("thread.pinned", updateRow);
on("thread.locked", updateRow);

// A moved thread brings this reader's unread messages from one forum's counter to the other's.
function unreadOf(data) {
  return Math.max(0, data.post_count - data.read);
}
on("thread.moved_out", (data) => {
  addToThreadCount(data.forum, -1);
  rowOf(data.thread)?.remove();
  if (!data.muted) addToCount(data.forum, data.thread, -unreadOf(data));
  for (const counter of counters(data.forum)) setMuted(counter, data.thread, false);
});
on("thread.moved", (data) => {
  addToThreadCount(data.forum, 1);
  insertRow(data);
  for (const counter of counters(data.forum)) setMuted(counter, data.thread, data.muted);
  addToCount(data.forum, data.thread, unreadOf(data));
});

// This reader's own reading, from any of their pages: one frame, no request.
function showRead(data) {
  const row = rowOf(data.thread);
  if (!row) return;
  row.dataset.lastRead = data.read;
  row.toggleAttribute("data-muted", data.muted);
  updateRow({ thread: data.thread });
}
on("thread.read", (data) => {
  showRead(data);
  addToCount(data.forum, data.thread, -(data.read - data.was));
});
on("thread.follow", (data) => {
  showRead(data);
  for (const counter of counters(data.forum)) {
    setMuted(counter, data.thread, data.muted);
    setCount(counter, data.forum_unread);
  }
});
on("forum.read", (data) => {
  for (const counter of counters(data.forum)) setCount(counter, 0);
  for (const row of document.querySelectorAll(`[data-forum-page="${data.forum}"] [data-thread-row]`)) {
    row.dataset.lastRead = row.dataset.postCount;
    updateRow({ thread: Number(row.dataset.threadRow) });
  }
});
// After a forum list's catch-up: the reader's counts as they are now.
on("forum.unread", (data) => {
  for (const counter of counters(data.forum)) {
    counter.dataset.mutedThreads = data.muted.join(" ");
    setCount(counter, data.unread);
  }
});

// Reacting does not reload the page: the reaction comes back in the message's frame, shown as the
// reader's own. Without a live connection, the form is sent as usual.
document.addEventListener("submit", (event) => {
  const form = event.target.closest?.("[data-react-form]");
  if (!form || !event.submitter || document.body.dataset.live !== "connected") return;
  event.preventDefault();
  const kind = event.submitter.value;
  // Refused or offline: the plain form, whose answer says why.
  const sendAsAForm = () => {
    form.append(Object.assign(document.createElement("input"), { type: "hidden", name: "kind", value: kind }));
    form.submit();
  };
  form.querySelector("details[open]")?.removeAttribute("open");
  post(form.action, { kind }).then((response) => response.ok || sendAsAForm(), sendAsAForm);
});

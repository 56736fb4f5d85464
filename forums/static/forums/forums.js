// Live forum pages: a thread receives new, edited, hidden and deleted messages in place; forum
// lists and counters follow activity. Without JavaScript, the same pages are complete on reload.
import { announce, fetchFragment, on, post } from "../realtime/live.js";

const thread = document.querySelector("[data-thread]");
const postsBox = thread?.querySelector("[data-posts]");

async function refreshPost(data, { insertIfMissing = false } = {}) {
  if (!thread || Number(thread.dataset.thread) !== data.thread) return;
  const existing = postsBox.querySelector(`[data-post="${data.post}"]`);
  // A creation the page already shows (replayed after a reconnection) changes nothing.
  if (existing && insertIfMissing) return;
  if (!existing && !insertIfMissing) return;
  if (!existing && thread.dataset.lastPage !== "true") {
    thread.querySelector("[data-new-posts-notice]").hidden = false;
    return;
  }
  const element = await fetchFragment(`/forums/messages/${data.post}/`);
  if (!element) return;
  const current = postsBox.querySelector(`[data-post="${data.post}"]`);
  if (current) {
    current.replaceWith(element);
  } else {
    // Keep the thread in order even if events arrive out of order.
    const after = [...postsBox.children].find((child) => Number(child.dataset.number) > data.number);
    postsBox.insertBefore(element, after || null);
    element.classList.add("post--new");
    const author = element.querySelector(".post__header a")?.textContent || "";
    announce(`${document.body.dataset.textNewPost || ""} ${author}`);
    if (document.visibilityState === "visible") {
      post(thread.dataset.markReadUrl, { number: data.number });
    }
  }
}

on("post.created", (data) => refreshPost(data, { insertIfMissing: true }));
on("thread.created", (data) => refreshPost(data, { insertIfMissing: true }));
for (const name of ["post.edited", "post.hidden", "post.unhidden", "post.deleted", "post.reacted"]) {
  on(name, (data) => refreshPost(data));
}

function showBadges(data) {
  if (thread && Number(thread.dataset.thread) === data.thread) {
    thread.querySelector('[data-badge="pinned"]').hidden = !data.pinned;
    thread.querySelector('[data-badge="locked"]').hidden = !data.locked;
    const form = thread.querySelector("[data-reply-form]");
    const notice = thread.querySelector("[data-locked-notice]");
    // Moderators may still reply to a locked thread; the others see why the form went away.
    const canStillReply = form && form.dataset.moderator !== undefined;
    if (form && !canStillReply) form.hidden = data.locked;
    if (notice) notice.hidden = !data.locked || canStillReply;
    if (data.locked && !canStillReply) announce(document.body.dataset.textLocked || "");
  }
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

// Forum lists: rows and unread counters.
function updateRow(data) {
  const row = document.querySelector(`[data-thread-row="${data.thread}"]`);
  if (!row) return false;
  row.dataset.postCount = data.post_count;
  row.querySelector('[data-cell="posts"]').textContent = data.post_count;
  const unread = Math.max(0, data.post_count - Number(row.dataset.lastRead));
  row.querySelector('[data-cell="unread"]').innerHTML = unread
    ? `<span class="badge badge--accent">${unread}</span>`
    : "";
  return true;
}

async function insertRow(data) {
  const rows = document.querySelector(`[data-forum-page="${data.forum}"] [data-thread-rows]`);
  if (!rows) return;
  const element = await fetchFragment(`/forums/fils/${data.thread}/ligne/`);
  if (!element) return;
  rows.querySelector("[data-empty]")?.remove();
  rows.querySelector(`[data-thread-row="${data.thread}"]`)?.remove();
  rows.prepend(element);
}

let countersTimer = null;
function refreshCounters() {
  if (!document.querySelector("[data-forum-unread]")) return;
  clearTimeout(countersTimer);
  countersTimer = setTimeout(async () => {
    const response = await fetch("/forums/non-lus/", { credentials: "same-origin" });
    if (!response.ok) return;
    const counts = await response.json();
    for (const element of document.querySelectorAll("[data-forum-unread]")) {
      const counter = counts[element.dataset.forumUnread];
      if (!counter) continue;
      element.textContent = counter.label;
      element.className = counter.count ? "badge badge--accent" : "";
    }
  }, 300);
}

for (const name of ["post.created", "thread.created", "thread.moved", "thread.moved_out", "thread.pinned", "thread.locked"]) {
  on(name, async (data) => {
    if (name === "thread.moved_out") {
      document.querySelector(`[data-thread-row="${data.thread}"]`)?.remove();
    } else if (!updateRow(data) && (name === "thread.created" || name === "thread.moved")) {
      await insertRow(data);
    }
    refreshCounters();
  });
}
on("thread.read", (data) => {
  const row = document.querySelector(`[data-thread-row="${data.thread}"]`);
  if (row) {
    row.dataset.lastRead = data.read;
    updateRow({ thread: data.thread, post_count: Number(row.dataset.postCount) });
  }
  refreshCounters();
});
on("forum.read", refreshCounters);

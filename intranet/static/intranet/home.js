// The member's home, live on the page's socket with the forums' own frames: a colleague's new
// thread becomes a line under its collège, a reply in a thread already listed moves its count,
// and any other news from others is announced ("show them" loads the home again); an upload, a
// proposal or a decision makes the news read again. What waits for the person is read again
// when their notifications change, a frame only they receive.
import { announce, on, pluralLabel } from "../realtime/live.js";

const reader = Number(document.body.dataset.reader || 0);
const notice = document.querySelector("[data-home-news]");
const places = document.querySelector("[data-home-places]");
const waitingBox = document.querySelector("[data-home-waiting]");
const placeOfForum = JSON.parse(document.getElementById("home-forum-places")?.textContent || "{}");
// After (re)connecting, the server also replays the last few seconds before the page's events
// (an event's number is given before its commit): each handler below counts a frame once.
const renderedAfter = Number(document.body.dataset.liveSince || 0);

function tellSomethingNew() {
  if (!notice) return;
  const count = Number(notice.dataset.count || 0) + 1;
  notice.dataset.count = String(count);
  const text = pluralLabel(notice, "label", count);
  notice.querySelector("a").textContent = text;
  if (notice.hidden) announce(text);
  notice.hidden = false;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

// The place's section, made (first, as the most recently active) when the page has none yet.
function sectionOf(place) {
  const found = [...places.querySelectorAll("[data-place]")].find((section) => section.dataset.place === place.slug);
  if (found) return found;
  places.querySelector("[data-home-empty]")?.remove();
  const id = `place-live-${place.slug || "association"}`;
  const section = element("section", { class: "activity-place", "data-place": place.slug, "aria-labelledby": id });
  const heading = section.appendChild(element("h3", { id }));
  if (place.url) heading.appendChild(element("a", { href: place.url }, place.name));
  else heading.textContent = place.name;
  places.prepend(section);
  return section;
}

// New threads come first in a place, as the server orders the forums' kinds.
function threadListOf(section) {
  const found = section.querySelector('ul[data-kind="thread"]');
  if (found) return found;
  const list = element("ul", { class: "activity-list", "data-kind": "thread" });
  section.querySelector("h3").after(element("h4", {}, places.dataset.labelThreads), list);
  return list;
}

// A moment as the server writes it on this page ("8 décembre 2026 à 15:31"), in the site's time
// zone rather than the browser's: the words' order comes from the page, the names from Intl.
function timeAt(iso) {
  const at = iso ? new Date(iso) : new Date();
  const lang = document.documentElement.lang;
  const timeZone = places?.dataset.timeZone || undefined;
  let shown;
  try {
    const date = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone });
    const parts = Object.fromEntries(date.formatToParts(at).map((part) => [part.type, part.value]));
    const time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
    shown = (places?.dataset.momentPattern || "{day} {month} {year}, {time}")
      .replace("{day}", parts.day)
      .replace("{month}", parts.month)
      .replace("{year}", parts.year)
      .replace("{time}", time.format(at));
  } catch {
    shown = at.toLocaleString(lang);
  }
  return element("time", { datetime: at.toISOString() }, shown);
}

function addThreadLine(data) {
  const place = placeOfForum[data.forum];
  if (!places || !place) return false;
  if (places.querySelector(`[data-key="thread-${data.thread}"]`)) return true;
  const line = element("li", { class: "activity-line activity-line--thread", "data-key": `thread-${data.thread}` });
  line.appendChild(element("a", { href: places.dataset.threadUrl.replace(/\d+\/$/, `${data.thread}/`) }, data.title));
  const who = data.author_name ? ` — ${data.author_name}` : "";
  const detail = line.appendChild(element("span", { class: "muted" }, `${who} — ${place.forum} — `));
  detail.appendChild(timeAt(data.last_activity));
  threadListOf(sectionOf(place)).prepend(line);
  announce(`${places.dataset.labelThreads} — ${place.name}: ${data.title}`);
  return true;
}

// A reply in a followed thread the page lists already: its count and its time move, and the
// line comes first in its list, as the server orders them.
function countReply(data) {
  const line = places?.querySelector(`.activity-line--replies[data-key="thread-${data.thread}"]`);
  const replies = line?.querySelector("[data-replies]");
  if (!replies) return false;
  if (data.number <= Number(line.dataset.number || 0)) return true;
  line.dataset.number = String(data.number);
  const count = Number(replies.dataset.replies) + 1;
  replies.dataset.replies = String(count);
  replies.textContent = `— ${pluralLabel(places, "labelReply", count)}`;
  line.querySelector("time")?.replaceWith(timeAt(data.last_activity));
  line.parentElement.prepend(line);
  return true;
}

on("thread.created", (data, id) => {
  // One the page was rendered with is there already (or beyond the lines shown per kind).
  if (data.author === reader || id <= renderedAfter) return;
  if (!addThreadLine(data)) tellSomethingNew();
});
on("post.created", (data, id) => {
  if (data.author === reader) return;
  const listed = places?.querySelector(`[data-key="thread-${data.thread}"]`);
  if (!countReply(data) && !listed && id > renderedAfter) tellSomethingNew();
});

// A part of the page read again from the server (the fetch carries the session, so what it
// shows is asked of the policies); more lines than before are announced with its heading.
async function readAgain(box, url, heading) {
  if (!box || !url) return;
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) return;
    const before = box.querySelectorAll("li").length;
    box.innerHTML = await response.text();
    const title = heading();
    if (title && box.querySelectorAll("li").length > before) announce(title.textContent.trim());
  } catch {
    // offline: the next frame or reconnection reads it again
  }
}

function readWaitingAgain() {
  waitingTimer = null;
  return readAgain(waitingBox, waitingBox?.dataset.url, () => waitingBox.querySelector("h2"));
}

// Read again only when the change may concern it (a mention, a task, a vote, a convocation, a
// notification read), once for a burst: a reply in a followed thread asks nothing of the server.
let waitingTimer = null;
function readWaitingSoon(data) {
  if (data?.waiting !== false && waitingTimer === null) waitingTimer = setTimeout(readWaitingAgain, 300);
}

// A document, a proposal or a decision in one of the reader's places: the frame names nothing,
// the news since the same moment are read again, once for a burst.
let newsTimer = null;
function readNewsAgain() {
  newsTimer = null;
  return readAgain(places, places?.dataset.url, () => document.getElementById("since-title"));
}

function readNewsSoon() {
  if (newsTimer === null) newsTimer = setTimeout(readNewsAgain, 300);
}

on("notifications.unread", readWaitingSoon);
on("activity.changed", readNewsSoon);
// After a reconnection, something may have arrived meanwhile.
let connectedBefore = false;
on("hello", () => {
  if (connectedBefore) {
    readWaitingSoon();
    readNewsSoon();
  }
  connectedBefore = true;
});

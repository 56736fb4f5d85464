// The notification bell in the header: its unread count follows the server live, on the page's
// one socket (the same as the forums'), and is read again after each reconnection.

import { on } from "../realtime/live.js";

const bell = document.querySelector("[data-live-bell]");

function show(unread) {
  if (!bell || typeof unread !== "number") return;
  const count = bell.querySelector("[data-unread-count]");
  const label = bell.querySelector("[data-unread-label]");
  count.textContent = String(unread);
  count.hidden = unread === 0;
  // French and English alike: one form for 1, the other for more (0 shows no label).
  const word = unread > 1 ? bell.dataset.textUnreadOther : bell.dataset.textUnreadOne;
  label.textContent = unread ? ` ${word}` : "";
  bell.dataset.unread = String(unread);
}

on("notifications.unread", (data) => show(data.unread));

// After a reconnection the count may have changed meanwhile: ask once.
on("hello", async () => {
  if (!bell) return;
  try {
    const response = await fetch(bell.dataset.unreadUrl, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (response.ok) show((await response.json()).unread);
  } catch {
    // offline: the next event or reconnection corrects the count
  }
});

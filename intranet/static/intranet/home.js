// The member's home: news from others arriving on the page's socket (the forums' own frames, the
// ones that move the forums' counters) is announced, and shown by loading the home again, as a
// forum shows "new topics" without moving what the reader is looking at.
import { announce, on } from "../realtime/live.js";

const notice = document.querySelector("[data-home-news]");

function somethingNew(data) {
  if (!notice || data.author === Number(notice.dataset.reader)) return;
  const count = Number(notice.dataset.count || 0) + 1;
  notice.dataset.count = String(count);
  const one = new Intl.PluralRules(document.documentElement.lang).select(count) === "one";
  const text = (one ? notice.dataset.labelOne : notice.dataset.labelOther).replace(/\d+/, String(count));
  notice.querySelector("a").textContent = text;
  if (notice.hidden) announce(text);
  notice.hidden = false;
}

on("thread.created", somethingNew);
on("post.created", somethingNew);

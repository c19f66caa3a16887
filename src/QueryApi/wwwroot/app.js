// The search page: one query image in, a grid of the nearest stored images out. Plain browser JavaScript, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const drop = $("drop"), fileInput = $("file"), results = $("results"), errorBox = $("error");

async function refreshStats() {
  try {
    const count = await (await fetch("/count")).json();
    $("count").textContent = count.count.toLocaleString();
    const dead = await (await fetch("/dead-letters?limit=1")).json();
    $("dead-count").textContent = dead.open.toLocaleString();
    $("reasons").replaceChildren(...dead.byReason.map((r) => row(r.reason, r.open, r.replayed)));
    if (dead.byReason.length === 0) $("reasons").replaceChildren(row("none", 0, 0));
  } catch {
    $("count").textContent = "?";
  }
}

function row(...cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(Object.assign(document.createElement("td"), { textContent: c.toLocaleString() }));
  return tr;
}

function showError(problem) {
  const title = document.createElement("strong");
  title.textContent = problem.title || "The search failed";
  const detail = document.createElement("span");
  detail.textContent = [problem.detail, problem.reason && `(${problem.reason})`].filter(Boolean).join(" ");
  errorBox.replaceChildren(title, detail);
  errorBox.hidden = false;
}

async function search(file) {
  errorBox.hidden = true;
  results.replaceChildren();
  $("timing").textContent = "Searching…";
  const preview = $("query");
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;

  const form = new FormData();
  form.append("image", file);
  const query = new URLSearchParams({ k: $("k").value });
  if ($("label").value.trim()) query.set("label", $("label").value.trim());
  const started = performance.now();
  let response;
  try {
    response = await fetch(`/search?${query}`, { method: "POST", body: form });
  } catch (e) {
    $("timing").textContent = "";
    return showError({ title: "The server cannot be reached", detail: String(e) });
  }
  const body = await response.json().catch(() => ({ title: `HTTP ${response.status}` }));
  if (!response.ok) {
    $("timing").textContent = "";
    return showError(body);
  }
  const t = body.timings;
  $("timing").textContent = `${body.results.length} results in ${Math.round(performance.now() - started)} ms ` +
    `(embed ${t.embedMs.toFixed(0)} ms, search ${t.searchMs.toFixed(1)} ms)`;
  if (body.results.length === 0)
    results.replaceChildren(Object.assign(document.createElement("li"), { className: "empty", textContent: "The collection is empty: insert images first." }));
  else
    results.replaceChildren(...body.results.map(card));
}

function card(hit) {
  const li = document.createElement("li");
  const thumb = Object.assign(document.createElement("div"), { className: "thumb" });
  const img = Object.assign(document.createElement("img"), { src: hit.thumbnailUrl, alt: hit.label || hit.path, title: hit.path, loading: "lazy" });
  thumb.appendChild(img);
  const meta = Object.assign(document.createElement("div"), { className: "meta" });
  const name = hit.label || hit.path.split("/").pop();
  meta.append(
    Object.assign(document.createElement("span"), { className: "label", textContent: name, title: hit.path }),
    Object.assign(document.createElement("span"), { className: "distance", textContent: hit.distance.toFixed(3), title: "distance (smaller is closer)" }));
  li.append(thumb, meta);
  return li;
}

$("choose").addEventListener("click", (e) => { e.stopPropagation(); fileInput.click(); });
drop.addEventListener("click", () => fileInput.click());
drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") fileInput.click(); });
fileInput.addEventListener("change", () => fileInput.files[0] && search(fileInput.files[0]));
for (const type of ["dragenter", "dragover"])
  drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
for (const type of ["dragleave", "drop"])
  drop.addEventListener(type, () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  const file = e.dataTransfer.files[0];
  if (file) search(file);
});

refreshStats();
setInterval(refreshStats, 10000);

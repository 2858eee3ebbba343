// Backstride's own script: small enhancements on pages that work without it.
"use strict";

// htmx requests carry the session's CSRF token (team mode) as a header.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// Charts ----------------------------------------------------------------------------------
// A chart's figures travel in the page as JSON in its canvas's data-chart-figures attribute
// (an attribute, so content swapped in by htmx keeps it: htmx drops script elements); the
// table under each chart holds the same figures for screen readers and browsers without
// scripts. Canvases carry no id, so htmx never copies an old canvas's inline style (set by
// Chart.js) onto its replacement, which the CSP would refuse.

const COLOURS = {
  pain: "#1f5fa8",
  distance: "#7a9cc6",
  flagged: "#a30000",
  text: "#222",
  grid: "#d0d0d0",
  up: "#1d5e2b",
  back: "#a30000",
};

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

function chartFigures(canvas) {
  try {
    return JSON.parse(canvas.dataset.chartFigures || "null");
  } catch (error) {
    return null;
  }
}

// A diagonal stripe, so flagged weeks differ by more than their colour.
function stripes(colour) {
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const pen = tile.getContext("2d");
  pen.fillStyle = colour;
  pen.fillRect(0, 0, 8, 8);
  pen.strokeStyle = "#fff";
  pen.lineWidth = 2;
  pen.beginPath();
  pen.moveTo(0, 8);
  pen.lineTo(8, 0);
  pen.stroke();
  return pen.createPattern(tile, "repeat");
}

function baseOptions() {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: reducedMotion ? false : { duration: 300 },
    interaction: { mode: "index", intersect: false },
    plugins: {
      legend: { position: "bottom", labels: { color: COLOURS.text, boxWidth: 14 } },
    },
  };
}

// Progress: the weekly average of morning pain (line, 0-10) against kilometres run (bars).
// A week with a return-to-run stage change carries it as a second line under its date
// ("stage 3 up"), green for a start or a move up, red for a move back or a stop.
function progressChart(figures) {
  const weeks = figures.weeks;
  const options = baseOptions();
  options.scales = {
    x: {
      ticks: {
        color: (context) => {
          const week = weeks[context.index];
          if (!week || !week.mark_short) {
            return COLOURS.text;
          }
          return week.mark_change === "regress" || week.mark_change === "stop"
            ? COLOURS.back
            : COLOURS.up;
        },
        maxRotation: 60,
        autoSkip: false,
      },
      grid: { display: false },
    },
    pain: {
      type: "linear",
      position: "left",
      min: 0,
      max: 10,
      ticks: { stepSize: 2, color: COLOURS.text },
      title: { display: true, text: "Morning pain (0-10)", color: COLOURS.text },
      grid: { color: COLOURS.grid },
    },
    km: {
      type: "linear",
      position: "right",
      beginAtZero: true,
      ticks: { color: COLOURS.text },
      title: { display: true, text: "Km run per week", color: COLOURS.text },
      grid: { drawOnChartArea: false },
    },
  };
  return {
    type: "bar",
    data: {
      labels: weeks.map((w) => (w.mark_short ? [w.label, w.mark_short] : w.label)),
      datasets: [
        {
          type: "line",
          label: "Morning pain, weekly average",
          data: weeks.map((w) => w.morning_pain),
          yAxisID: "pain",
          borderColor: COLOURS.pain,
          backgroundColor: COLOURS.pain,
          pointRadius: 4,
          spanGaps: true,
          order: 0,
        },
        {
          type: "bar",
          label: "Km run",
          data: weeks.map((w) => w.distance_km),
          yAxisID: "km",
          backgroundColor: COLOURS.distance,
          order: 1,
        },
      ],
    },
    options: options,
  };
}

// Load: kilometres run each week; a week with a training-load warning is red and striped
// (the table under the chart names the warnings).
function loadChart(figures) {
  const weeks = figures.weeks;
  const flagged = stripes(COLOURS.flagged);
  const options = baseOptions();
  options.plugins.legend.display = false;
  options.scales = {
    x: {
      ticks: { color: COLOURS.text, maxRotation: 60, autoSkip: false },
      grid: { display: false },
    },
    y: {
      beginAtZero: true,
      ticks: { color: COLOURS.text },
      title: { display: true, text: "Km run per week", color: COLOURS.text },
      grid: { color: COLOURS.grid },
    },
  };
  return {
    type: "bar",
    data: {
      labels: weeks.map((w) => w.label),
      datasets: [
        {
          label: "Km run",
          data: weeks.map((w) => w.distance_km),
          backgroundColor: weeks.map((w) => (w.flagged ? flagged : COLOURS.distance)),
          borderColor: weeks.map((w) => (w.flagged ? COLOURS.flagged : COLOURS.distance)),
          borderWidth: 1,
        },
      ],
    },
    options: options,
  };
}

// An outcome measure: the scores by date (line) and, dashed, the score that would be the
// smallest real improvement on the first one (its minimal important change).
function outcomeChart(figures) {
  const points = figures.points;
  const options = baseOptions();
  options.scales = {
    x: { ticks: { color: COLOURS.text, maxRotation: 60 }, grid: { display: false } },
    y: {
      min: figures.low,
      max: figures.high,
      ticks: { color: COLOURS.text },
      title: {
        display: true,
        text: `Score (${figures.better} is better)`,
        color: COLOURS.text,
      },
      grid: { color: COLOURS.grid },
    },
  };
  const datasets = [
    {
      type: "line",
      label: "Your score",
      data: points.map((p) => p.score),
      borderColor: COLOURS.pain,
      backgroundColor: COLOURS.pain,
      pointRadius: points.length > 30 ? 2 : 4,
    },
  ];
  if (figures.mic_line !== null) {
    datasets.push({
      type: "line",
      label: figures.mic_label,
      data: points.map(() => figures.mic_line),
      borderColor: COLOURS.up,
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
    });
  }
  return { type: "line", data: { labels: points.map((p) => p.label), datasets }, options };
}

const CHARTS = { progress: progressChart, load: loadChart, outcome: outcomeChart };

function drawCharts(root) {
  if (typeof window.Chart === "undefined" || !root.querySelectorAll) {
    return;
  }
  for (const canvas of root.querySelectorAll("canvas[data-chart]")) {
    const build = CHARTS[canvas.dataset.chart];
    const figures = chartFigures(canvas);
    if (!build || !figures || window.Chart.getChart(canvas)) {
      continue;
    }
    new window.Chart(canvas, build(figures));
  }
}

document.addEventListener("DOMContentLoaded", () => drawCharts(document));
// Content swapped in by htmx (the activities after an upload) brings its own chart.
document.addEventListener("htmx:load", (event) => drawCharts(event.detail.elt));

// Uploads ---------------------------------------------------------------------------------
// With tus-js-client loaded (/static/vendor/tus.min.js), each file goes to the server as a
// resumable upload (the tus protocol, POST /api/v1/resumable-uploads then PATCH in parts),
// written to disk there as it arrives: a lost connection is retried and carries on where it
// stopped, and choosing the same file again after the page was closed carries on too
// (tus-js-client remembers its uploads in this browser's storage). Once every file is whole,
// the form posts their ids and the server imports them (or queues them, in team mode); the
// answer is the same page part a plain form post gets. Without the library the form posts
// the files as they are (htmx, or a plain post without JavaScript). Either way a <progress>
// shows the bytes sent, then "Importing..." until the answer arrives, and files of the wrong
// kind or over the limit are refused before anything is sent.

/** The most files one upload may carry (the server's MAX_FILES_PER_REQUEST). */
const MAX_FILES = 32;
/** Bytes per PATCH: large enough to be quick, small enough for a proxy's body limit. */
const PART_BYTES = 16 * 1024 * 1024;
/** Waits before each new try of a part that failed (network lost, server restarted). */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000];

function uploadParts(form) {
  return {
    status: form.querySelector("#upload-status"),
    bar: form.querySelector("#upload-progress"),
    text: form.querySelector("#upload-status-text"),
    error: form.querySelector("#upload-error"),
    button: form.querySelector('button[type="submit"]'),
  };
}

function showUploadError(form, message) {
  const parts = uploadParts(form);
  parts.status.hidden = true;
  parts.error.textContent = message.charAt(0).toUpperCase() + message.slice(1);
  parts.error.hidden = false;
}

function resumable() {
  return typeof window.tus !== "undefined" && window.tus.isSupported;
}

function megabytes(bytes) {
  return (bytes / 1048576).toLocaleString("en-GB", { maximumFractionDigits: 0 });
}

function uploadRefusal(form) {
  const input = form.querySelector('input[type="file"]');
  const files = input ? Array.from(input.files) : [];
  if (files.length === 0) {
    return "Choose at least one file to upload.";
  }
  const accepted = (form.dataset.accept || "").split(",").filter(Boolean);
  const wrong = files.find((f) => !accepted.some((s) => f.name.toLowerCase().endsWith(s)));
  if (wrong && form.dataset.refusal) {
    return `"${wrong.name}" ${form.dataset.refusal}`;
  }
  if (wrong) {
    return `"${wrong.name}" is not a file Backstride can import; nothing was uploaded. ` +
      "Choose .fit, .gpx or .tcx files (each optionally .gz), or a Strava or Garmin export .zip.";
  }
  // The limit is per file: a resumable upload takes a whole export, a plain post less.
  const limit = Number((resumable() ? form.dataset.maxBytes : form.dataset.formMaxBytes) || 0);
  const text = resumable() ? form.dataset.maxText : form.dataset.formMaxText;
  const big = limit ? files.find((f) => f.size > limit) : undefined;
  if (big && form.dataset.tooBig) {
    return `"${big.name}" is ${(big.size / 1048576).toFixed(1)} MB, over the limit of ` +
      `${text} a file; nothing was uploaded. ${form.dataset.tooBig}`;
  }
  if (big) {
    return `"${big.name}" is ${(big.size / 1048576).toFixed(1)} MB, over the limit of ` +
      `${text} a file; nothing was uploaded. Split the export into smaller zips, or upload ` +
      "the activity files it holds in several goes.";
  }
  if (files.length > MAX_FILES) {
    return `That is ${files.length} files; upload at most ${MAX_FILES} at a time.`;
  }
  return null;
}

function isUploadForm(element) {
  return element instanceof HTMLFormElement && element.hasAttribute("data-upload-form");
}

function startProgress(form) {
  const parts = uploadParts(form);
  parts.error.hidden = true;
  parts.bar.value = 0;
  parts.text.textContent = "Uploading...";
  parts.status.hidden = false;
  form.dataset.phase = "uploading";
}

function showSent(form, sent, total) {
  const parts = uploadParts(form);
  const percent = total > 0 ? Math.floor((sent / total) * 100) : 100;
  parts.bar.value = percent;
  parts.text.textContent = `Uploading... ${percent}% (${megabytes(sent)} of ${megabytes(total)} MB)`;
}

function showImporting(form) {
  // Every byte is sent: the import runs on the server now, for as long as it takes.
  const parts = uploadParts(form);
  form.dataset.phase = "importing";
  parts.bar.removeAttribute("value");
  parts.text.textContent = form.dataset.working ||
    "Importing... this can take a while for a large export.";
}

function csrfHeaders() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? { "X-CSRF-Token": meta.content } : {};
}

/** What the server said when it refused a request (its error shape), if anything. */
function serverMessage(body) {
  try {
    return JSON.parse(body).error || null;
  } catch (error) {
    return null;
  }
}

/** Send one file as a resumable upload; resolves with its id once every byte is there. */
function sendResumable(form, file, onSent) {
  return new Promise((resolve, reject) => {
    const upload = new window.tus.Upload(file, {
      endpoint: new URL(form.dataset.resumableEndpoint, window.location.href).toString(),
      chunkSize: PART_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      metadata: { filename: file.name },
      headers: csrfHeaders(),
      removeFingerprintOnSuccess: true,
      onProgress: (sent) => onSent(sent),
      onSuccess: () => resolve(upload.url.split("/").pop()),
      onError: (error) => {
        const response = error.originalResponse;
        const message = response ? serverMessage(response.getBody()) : null;
        reject(new Error(message || (
          "The upload stopped: the connection to Backstride was lost. Choose the same file " +
          "again to carry on where it stopped.")));
      },
    });
    // A file this browser began sending before (the page was closed) carries on from there.
    upload.findPreviousUploads().then(
      (previous) => {
        if (previous.length > 0) {
          upload.resumeFromPreviousUpload(previous[0]);
        }
        upload.start();
      },
      () => upload.start(),
    );
  });
}

/** Post the ids of the whole uploads; the answer replaces the page part, as htmx would. */
async function importUploads(form, ids) {
  const body = new URLSearchParams({ uploads: ids.join(",") });
  const response = await fetch(form.action, {
    method: "POST",
    body: body,
    headers: { "HX-Request": "true", ...csrfHeaders() },
    credentials: "same-origin",
  });
  const text = await response.text();
  if (response.ok || response.status === 422) {
    window.htmx.swap("#activity-record", text, { swapStyle: "outerHTML" });
    return true;
  }
  showUploadError(form, serverMessage(text) || "The import was refused; try again.");
  return false;
}

async function uploadResumably(form) {
  const files = Array.from(form.querySelector('input[type="file"]').files);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const parts = uploadParts(form);
  parts.button.disabled = true;
  startProgress(form);
  let done = 0;
  try {
    const ids = [];
    for (const file of files) {
      ids.push(await sendResumable(form, file, (sent) => showSent(form, done + sent, total)));
      done += file.size;
    }
    showImporting(form);
    if (await importUploads(form, ids)) {
      form.reset();
      parts.status.hidden = true;
      const result = document.getElementById("upload-result");
      if (result) {
        result.focus();
      }
    }
  } catch (error) {
    showUploadError(form, error.message || "The upload did not reach Backstride; try again.");
  } finally {
    delete form.dataset.phase;
    parts.button.disabled = false;
  }
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (!isUploadForm(form)) {
    return;
  }
  const refusal = uploadRefusal(form);
  if (refusal) {
    event.preventDefault();
    showUploadError(form, refusal);
    return;
  }
  if (resumable()) {
    event.preventDefault();
    uploadResumably(form);
    return;
  }
  startProgress(form);
});

document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target;
  if (!isUploadForm(form) || form.dataset.phase !== "uploading") {
    return;
  }
  const { loaded, total, lengthComputable } = event.detail;
  if (lengthComputable && total > 0 && loaded < total) {
    showSent(form, loaded, total);
    return;
  }
  if (lengthComputable && loaded >= total) {
    showImporting(form);
  }
});

// The server answers a refused upload with 422 and the page part that says why: show it.
// Any other error (over the size limit, say) comes as JSON with one line in "error".
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!isUploadForm(form)) {
    return;
  }
  const status = event.detail.xhr.status;
  // A page part (HTML) that says why, e.g. the queue being down (503), is shown as a 422 is.
  const type = event.detail.xhr.getResponseHeader("Content-Type") || "";
  if (status === 422 || (status === 503 && type.startsWith("text/html"))) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    return;
  }
  if (status >= 400) {
    const message = serverMessage(event.detail.xhr.responseText);
    showUploadError(form, message || "The upload was refused; try again with fewer or smaller files.");
  }
});

document.addEventListener("htmx:sendError", (event) => {
  if (isUploadForm(event.detail.elt)) {
    showUploadError(
      event.detail.elt,
      "The upload did not reach Backstride: check that it is still running, then try again.",
    );
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!isUploadForm(form)) {
    return;
  }
  delete form.dataset.phase;
  uploadParts(form).status.hidden = true;
  if (event.detail.successful) {
    form.reset();
    const result = document.getElementById("upload-result") ||
      document.getElementById("form-analysis");
    if (result) {
      result.focus();
    }
  }
});

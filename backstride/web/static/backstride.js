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
// The form posts with htmx; a <progress> shows the bytes sent, then "Importing..." until the
// answer arrives. Files of the wrong kind or over the limit are refused before sending.

function uploadParts(form) {
  return {
    status: form.querySelector("#upload-status"),
    bar: form.querySelector("#upload-progress"),
    text: form.querySelector("#upload-status-text"),
    error: form.querySelector("#upload-error"),
  };
}

function showUploadError(form, message) {
  const parts = uploadParts(form);
  parts.status.hidden = true;
  parts.error.textContent = message;
  parts.error.hidden = false;
}

function uploadRefusal(form) {
  const input = form.querySelector('input[type="file"]');
  const files = input ? Array.from(input.files) : [];
  if (files.length === 0) {
    return "Choose at least one file to upload.";
  }
  const accepted = (form.dataset.accept || "").split(",").filter(Boolean);
  const wrong = files.find((f) => !accepted.some((s) => f.name.toLowerCase().endsWith(s)));
  if (wrong) {
    return `"${wrong.name}" is not a file Backstride can import; nothing was uploaded. ` +
      "Choose .fit, .gpx or .tcx files (each optionally .gz), or a Strava or Garmin export .zip.";
  }
  // The limit is per file; the server takes up to MAX_FILES files in one upload.
  const limit = Number(form.dataset.maxBytes || 0);
  const big = limit ? files.find((f) => f.size > limit) : undefined;
  if (big) {
    return `"${big.name}" is ${(big.size / 1048576).toFixed(1)} MB, over the limit of ` +
      `${form.dataset.maxText} a file; nothing was uploaded.`;
  }
  if (files.length > MAX_FILES) {
    return `That is ${files.length} files; upload at most ${MAX_FILES} at a time.`;
  }
  return null;
}

/** The most files one upload may carry (the server's MAX_FILES_PER_REQUEST). */
const MAX_FILES = 32;

function isUploadForm(element) {
  return element instanceof HTMLFormElement && element.hasAttribute("data-upload-form");
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
  const parts = uploadParts(form);
  parts.error.hidden = true;
  parts.bar.value = 0;
  parts.text.textContent = "Uploading...";
  parts.status.hidden = false;
  form.dataset.phase = "uploading";
});

document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target;
  if (!isUploadForm(form) || form.dataset.phase !== "uploading") {
    return;
  }
  const parts = uploadParts(form);
  const { loaded, total, lengthComputable } = event.detail;
  if (lengthComputable && total > 0 && loaded < total) {
    const percent = Math.round((loaded / total) * 100);
    parts.bar.value = percent;
    parts.text.textContent = `Uploading... ${percent}%`;
    return;
  }
  if (lengthComputable && loaded >= total) {
    // Every byte is sent: the import runs on the server now, for as long as it takes.
    form.dataset.phase = "importing";
    parts.bar.removeAttribute("value");
    parts.text.textContent = "Importing... this can take a while for a large export.";
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
  if (status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    return;
  }
  if (status >= 400) {
    let message = "The upload was refused; try again with fewer or smaller files.";
    try {
      message = JSON.parse(event.detail.xhr.responseText).error || message;
    } catch (error) {
      // Not JSON: keep the general line.
    }
    showUploadError(form, message.charAt(0).toUpperCase() + message.slice(1));
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
    const result = document.getElementById("upload-result");
    if (result) {
      result.focus();
    }
  }
});

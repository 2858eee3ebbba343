// Backstride's own script: small enhancements on pages that work without it.
"use strict";

// htmx requests carry the session's CSRF token (team mode) as a header.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// The assessment form, one step at a time. Without this script every step shows on one page
// and the form works the same: this only hides and shows steps (the `hidden` attribute, never
// inline styles, which the CSP forbids), moves focus, and announces progress.
//
// Each step change is said once: the progress line above the form shows "Step 2 of 5" (screen
// readers skip that line and read it as the progress bar's name) over the step's heading, which
// keeps its own "Step 2 of 5:" for screen readers only (pages.css hides it from view while
// stepping). Moving focus to
// the heading reads it out; when focus goes to a field instead, the announcement region says
// which step it is on.
"use strict";

(() => {
  const form = document.getElementById("assessment-form");
  const progress = document.getElementById("step-progress");
  const status = document.getElementById("step-status");
  const meter = document.getElementById("step-meter");
  const announcement = document.getElementById("step-announcement");
  if (!form || !progress || !status || !meter || !announcement) {
    return;
  }
  const steps = Array.from(form.querySelectorAll("section.step"));
  const submit = form.querySelector(".submit");
  if (steps.length < 2) {
    return;
  }
  let current = 0;

  // Show step `index` (0-based); move focus to its heading unless told not to, and then say
  // which step it is only when told to (focus on the heading says it already).
  function show(index, { focus = true, announce = false } = {}) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach((step, i) => {
      step.hidden = i !== current;
    });
    if (submit) {
      submit.hidden = current !== steps.length - 1;
    }
    const step = steps[current];
    const where = `Step ${current + 1} of ${steps.length}`;
    const words = `${where}: ${step.dataset.title || ""}`;
    status.textContent = where;
    meter.value = current + 1;
    meter.textContent = where;
    announcement.textContent = "";
    const heading = step.querySelector("h2");
    if (focus && heading) {
      heading.focus();
    } else if (announce) {
      announcement.textContent = words;
    }
  }

  // The step that holds `element`, or -1.
  function stepOf(element) {
    return steps.findIndex((step) => step.contains(element));
  }

  // Go to the step holding the element with this id and focus its first input.
  function reveal(id) {
    const target = document.getElementById(id);
    const index = target ? stepOf(target) : -1;
    if (index < 0) {
      return false;
    }
    if (target === steps[index]) {
      show(index);
      return true;
    }
    show(index, { focus: false, announce: index !== current });
    const input = target.matches("input, select, textarea")
      ? target
      : target.querySelector("input, select, textarea");
    (input || target).focus();
    return true;
  }

  form.classList.add("stepping");
  progress.hidden = false;
  steps.forEach((step) => {
    const heading = step.querySelector("h2");
    if (heading) {
      heading.tabIndex = -1;
    }
    const buttons = step.querySelector(".step-buttons");
    if (buttons) {
      buttons.hidden = false;
    }
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-go]");
    if (button) {
      show(Number(button.dataset.go) - 1);
    }
  });

  // Enter in a field moves to the next step instead of sending a half-answered form.
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    const isTyped = field instanceof HTMLInputElement && !["radio", "checkbox"].includes(field.type);
    if (event.key === "Enter" && isTyped && current < steps.length - 1) {
      event.preventDefault();
      show(current + 1);
    }
  });

  // Links to a step or to a field (the step list, the list of problems) open its step.
  document.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (link && link.getAttribute("href").length > 1 && reveal(link.getAttribute("href").slice(1))) {
      event.preventDefault();
    }
  });

  // A form sent back with problems opens at the first step that has one.
  const firstProblem = form.querySelector(".has-error");
  if (firstProblem) {
    show(stepOf(firstProblem), { focus: false });
    const summary = document.getElementById("problems-heading");
    if (summary) {
      summary.tabIndex = -1;
      summary.focus();
    }
  } else if (location.hash.length > 1 && document.getElementById(location.hash.slice(1))) {
    reveal(location.hash.slice(1));
  } else {
    show(0, { focus: false });
  }
})();

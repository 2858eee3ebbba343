"""What every page must pass in a real browser: it fits a 360 px phone and a desktop, axe finds
no serious accessibility problem, and the keyboard's first stop is the skip link, which leads
into main. Each check returns what it found, described for a person to fix; `layout_problems`
runs them all on a page and saves its screenshots.
"""

from __future__ import annotations

import json
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .live import DESKTOP, Screenshot

#: The skip link's words (base.html), the first thing the keyboard reaches on every page.
SKIP_LINK_TEXT = "Skip to the content"

#: axe's impacts that fail a page; "minor" and "moderate" ones are left to review.
FAILING_IMPACTS = frozenset({"serious", "critical"})

#: Finds the elements that stick out past the right edge of the viewport or are wider than it,
#: their overflowing text included. An element inside a box that scrolls or clips sideways (a
#: wide table in a scrolling wrapper) is fine as long as that box fits. The innermost offenders
#: are named (at most ten): the element to fix, not every box around it.
_OVERFLOW_SCRIPT = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const clipsSideways = (el) => ["auto", "scroll", "hidden", "clip"].includes(
    getComputedStyle(el).overflowX);
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    for (const cls of el.classList) name += "." + cls;
    const text = (el.innerText || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    return text ? `${name} "${text.slice(0, 50)}"` : name;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // Text that runs out of its box (a long word, a <pre>) counts as part of the box.
    const reach = clipsSideways(el) ? box.width : Math.max(box.width, el.scrollWidth);
    const right = box.left + reach + window.scrollX;
    if (right <= width + 0.5 && reach <= width + 0.5) continue;
    let contained = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (clipsSideways(up) && up.getBoundingClientRect().right <= width + 0.5) {
        contained = true;
        break;
      }
    }
    if (contained) continue;
    offenders.push(el);
  }
  // Name the innermost offenders: the elements that stick out themselves, not their parents.
  const innermost = offenders.filter(
    (el) => !offenders.some((other) => other !== el && el.contains(other))).slice(0, 10);
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: width,
    offenders: innermost.map((el) => {
      const box = el.getBoundingClientRect();
      const reach = clipsSideways(el) ? box.width : Math.max(box.width, el.scrollWidth);
      return `${describe(el)}: ${Math.round(reach)} px wide, right edge at ` +
        `${Math.round(box.left + reach + window.scrollX)} px`;
    }),
  };
}
"""


def overflow_problems(page: Page) -> list[str]:
    """What makes `page` scroll sideways or sticks out of the viewport; empty when it fits."""
    found: dict[str, Any] = page.evaluate(_OVERFLOW_SCRIPT)
    problems = [str(offender) for offender in found["offenders"]]
    if found["scrollWidth"] > found["clientWidth"]:
        problems.insert(
            0,
            f"the page scrolls sideways: {found['scrollWidth']} px of content in a "
            f"{found['clientWidth']} px viewport",
        )
    return problems


def accessibility_problems(page: Page) -> list[str]:
    """axe's serious and critical violations on `page`: rule, impact, help, and each element."""
    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        elements = "; ".join(_element(node) for node in violation["nodes"])
        problems.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}. {elements}"
        )
    return problems


def _element(node: dict[str, Any]) -> str:
    """One element axe flagged: its selector, and axe's one-paragraph summary of the fix."""
    target = ", ".join(str(part) for part in node["target"])
    summary = " ".join(str(node.get("failureSummary", "")).split())
    return f"{target} ({summary})"


def layout_problems(page: Page, name: str, screenshot: Screenshot) -> list[str]:
    """Every check on a phone-sized `page`, then on the same page widened to a desktop.

    At 360 px: it fits and axe finds nothing serious. Widened: it fits, and the skip link comes
    first. Full-page screenshots `{name}-phone` and `{name}-desktop` are saved on the way.
    """
    found: list[str] = []
    screenshot(page, f"{name}-phone")
    found += _titled(f"{name} does not fit 360 px", overflow_problems(page))
    found += _titled(f"axe on {name}", accessibility_problems(page))
    page.set_viewport_size(DESKTOP["viewport"])
    screenshot(page, f"{name}-desktop")
    found += _titled(f"{name} does not fit 1280 px", overflow_problems(page))
    found += _titled(f"keyboard on {name}", skip_link_problems(page))
    return found


def _titled(title: str, problems: list[str]) -> list[str]:
    return [f"{title}:\n  " + "\n  ".join(problems)] if problems else []


def skip_link_problems(page: Page) -> list[str]:
    """The first Tab stop must be the skip link, and following it must lead into main."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    first_stop = _focused(page)
    if first_stop["text"] != SKIP_LINK_TEXT:
        return [f"the first Tab stop is {json.dumps(first_stop)}, not the skip link"]
    page.keyboard.press("Enter")
    after_skip = _focused(page)
    page.keyboard.press("Tab")
    next_stop = _focused(page)
    if after_skip["in_main"] or next_stop["in_main"]:
        return []
    return [
        f"after the skip link, focus is on {json.dumps(after_skip)} and the next Tab goes to "
        f"{json.dumps(next_stop)}, not into main"
    ]


def _focused(page: Page) -> dict[str, Any]:
    """The focused element: its tag, its text, and whether it is main or inside it."""
    focused: dict[str, Any] = page.evaluate(
        """() => {
          const el = document.activeElement;
          const main = document.querySelector("main");
          const text = el ? (el.innerText || el.getAttribute("aria-label") || "") : "";
          return {
            tag: el ? el.tagName.toLowerCase() : "",
            text: text.trim().slice(0, 60),
            in_main: Boolean(el && main && main.contains(el)),
          };
        }"""
    )
    return focused

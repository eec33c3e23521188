"""Helpers for the browser tests: log in, run axe-core on a page, move and inspect the keyboard focus, draw a
signature."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.server import AXE, DemoServer

# Conformance targets: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")
USERNAMES = {"admin": "admin", "clinician": "clinician", "nurse": "nurse", "frontdesk": "frontdesk"}


def log_in(page: Page, server: DemoServer, username: str) -> None:
    """Log in through the form, as a person would, and land on the dashboard."""
    page.goto(server.url("/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(server.passwords[username])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")


def accessibility_violations(page: Page, disable: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of WCAG 2.x A/AA on the page as it is now."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    results: dict[str, Any] = page.evaluate("(options) => window.axe.run(document, options)", options)
    return [v for v in results["violations"] if v.get("impact") in BLOCKING]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(str(node.get("failureSummary") or "").split())
            lines.append(f"    {target}\n        {node['html'][:200]}\n        {summary}")
    return "\n".join(lines)


def check_accessibility(page: Page, disable: tuple[str, ...] = ()) -> None:
    """Fail, listing every node, when axe-core finds a serious or critical WCAG 2.x A/AA violation."""
    violations = accessibility_violations(page, disable)
    if violations:
        pytest.fail(f"axe-core on {page.url}:\n{describe_violations(violations)}", pytrace=False)


def focused(page: Page) -> dict[str, Any]:
    """The focused element: its tag, id, name, type, text, and whether its focus can be seen."""
    description: dict[str, Any] = page.evaluate(
        """() => {
          const e = document.activeElement;
          if (!e || e === document.body) return {tag: 'body', visible: false};
          const s = getComputedStyle(e);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
          const ring = s.boxShadow !== 'none' && s.boxShadow !== '';
          return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '', type: e.type || '',
                  text: (e.innerText || e.value || '').trim().slice(0, 60),
                  visible: (outline || ring)
                   && (e.matches(':focus-visible') || (e.matches(':focus-within') && !e.matches(':focus')))};
        }"""
    )
    return description


def tab_to(page: Page, selector: str, limit: int = 400) -> int:
    """Press Tab until the element matching `selector` has the focus; return the number of presses.

    Fails when the element cannot be reached, or when an element on the way shows no focus indicator.
    """
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        here = focused(page)
        if here["tag"] != "body" and not here["visible"]:
            pytest.fail(f"the focus on {here} cannot be seen (after {presses} Tab presses towards {selector})")
        if page.evaluate("(selector) => document.activeElement?.matches(selector) ?? false", selector):
            return presses
    pytest.fail(f"{selector} was not reached with {limit} Tab presses")


def tab_through(page: Page, limit: int = 500) -> list[dict[str, Any]]:
    """Every Tab stop of the page in order, from the top until the focus leaves the page; each must show its focus."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = focused(page)
        if here["tag"] == "body" or (stops and here == stops[0]):
            return stops
        if not here["visible"]:
            pytest.fail(f"the focus on {here} cannot be seen (Tab stop {len(stops) + 1})")
        stops.append(here)
    pytest.fail(f"the focus did not leave the page after {limit} Tab presses")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:150]


def a_plan_url(page: Page) -> str:
    """The address of a plan in the demo practice, found through the patients' timelines (needs a clinical role)."""
    page.goto("/patients/")
    patients: list[str] = page.locator("#results a").evaluate_all("links => links.map(a => a.href)")
    for href in patients:
        page.goto(href)
        plans = page.locator(".timeline a[href*='/plans/']")
        if plans.count():
            url = plans.first.get_attribute("href")
            assert url is not None
            return url
    pytest.fail("no plan in the demo practice")


def draw_signature(page: Page) -> None:
    """A zigzag drawn with the mouse across the first signature pad on the page, as a finger would."""
    pad = page.locator("canvas").first
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 10):
        x = box["x"] + 20 + step * (box["width"] - 40) / 10
        page.mouse.move(x, box["y"] + box["height"] * (0.3 if step % 2 else 0.7), steps=3)
    page.mouse.up()

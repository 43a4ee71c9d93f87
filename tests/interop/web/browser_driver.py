#!/usr/bin/python3
"""A long-lived headless Chromium for the dashboard's browser test.

The C++ test (dashboard_browser_test.cpp) starts this once per test executable and talks to it
over stdin/stdout, one JSON object per line each way. Every request gets exactly one reply:
{"ok": true, "value": ...} or {"ok": false, "error": "..."}.

Requests ({"op": ..., ...}):
  open {url}                 load a page
  size {width, height, mobile}  resize the window; mobile: emulate a phone's viewport of exactly
                             that many CSS pixels (390x844: an iPhone 12-15)
  wait {script, timeout}     poll until the JavaScript expression is truthy; value is its result
  click {css}                click the first element matching the CSS selector (after scrolling
                             it into view), as a user would
  type {css, text}           clear a field and type into it
  js {script}                run `return (script)`; value is the result
  screenshot {path}          save a PNG of the window
  errors {}                  JavaScript errors logged since the last call (a failed HTTP request,
                             such as a refused action's 401, is not one)
  quit                       close the browser and exit

Debian's chromium and chromium-driver with python3-selenium (all from Debian 12) are the only
things used: no browser download, no network access. Missing pieces fail loudly.
"""
import json
import os
import shutil
import sys
import tempfile
import time
import traceback

CHROMIUM = os.environ.get("JAMFLEET_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("JAMFLEET_CHROMEDRIVER", "/usr/bin/chromedriver")


def fail_setup(message):
    sys.stdout.write(json.dumps({"ok": False, "error": message}) + "\n")
    sys.stdout.flush()
    sys.exit(2)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import StaleElementReferenceException
except ImportError as err:
    fail_setup(f"python3-selenium is missing ({err}); apt-get install -y python3-selenium")

for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
    if not os.access(path, os.X_OK):
        fail_setup(f"{path} is missing; apt-get install -y {package}")


def start_browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1280,900", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_path=os.devnull)
    return webdriver.Chrome(service=service, options=options)


def on_element(driver, css, action):
    """Finds the element, scrolls it to the middle of the window and acts on it; once more if
    the page replaced the element in between (it redraws from live events)."""
    for attempt in range(3):
        element = driver.find_element(By.CSS_SELECTOR, css)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        try:
            action(element)
            return None
        except StaleElementReferenceException:
            if attempt == 2:
                raise
    return None


def handle(driver, request):
    op = request.get("op")
    if op == "open":
        driver.get(request["url"])
        return None
    if op == "size":
        width, height = int(request["width"]), int(request["height"])
        if request.get("mobile"):
            # Exactly a phone's viewport (CSS pixels, touch, mobile viewport rules), as
            # Chromium's device mode does; a window size would include the window's frame.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
            driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
        else:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
            driver.set_window_size(width, height)
        return driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if op == "wait":
        deadline = time.monotonic() + float(request.get("timeout", 10))
        script = "return (" + request["script"] + ")"
        while True:
            value = driver.execute_script(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for: {request['script']} (last: {value!r})")
            time.sleep(0.1)
    if op == "click":
        return on_element(driver, request["css"], lambda element: element.click())
    if op == "type":
        def clear_and_type(element):
            element.clear()
            element.send_keys(request["text"])
        return on_element(driver, request["css"], clear_and_type)
    if op == "js":
        return driver.execute_script("return (" + request["script"] + ")")
    if op == "screenshot":
        os.makedirs(os.path.dirname(request["path"]) or ".", exist_ok=True)
        if not driver.save_screenshot(request["path"]):
            raise RuntimeError(f"could not save {request['path']}")
        return request["path"]
    if op == "errors":
        return [entry["message"] for entry in driver.get_log("browser")
                if entry.get("level") == "SEVERE" and entry.get("source") != "network"]
    raise ValueError(f"unknown op {op!r}")


def main():
    profile = tempfile.mkdtemp(prefix="jamfleet-chromium-")
    driver = None
    try:
        try:
            driver = start_browser(profile)
        except Exception as err:  # pylint: disable=broad-except
            fail_setup(f"could not start {CHROMIUM} through {CHROMEDRIVER}: {err}")
        sys.stdout.write(json.dumps({"ok": True, "value": "ready"}) + "\n")
        sys.stdout.flush()
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            if request.get("op") == "quit":
                sys.stdout.write(json.dumps({"ok": True, "value": None}) + "\n")
                sys.stdout.flush()
                break
            try:
                reply = {"ok": True, "value": handle(driver, request)}
            except Exception as err:  # pylint: disable=broad-except
                reply = {"ok": False, "error": f"{type(err).__name__}: {err}".strip()}
                traceback.print_exc(file=sys.stderr)
            # A script may return a DOM element: it travels as a marker, not as its contents.
            sys.stdout.write(json.dumps(reply, default=lambda o: f"<{type(o).__name__}>") + "\n")
            sys.stdout.flush()
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()

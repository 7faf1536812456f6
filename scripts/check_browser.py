#!/usr/bin/env python3
"""Real-browser check of the Logit page (public/), in headless Chromium driven by Selenium.

    python3 scripts/check_browser.py PATH/TO/logit

Starts `logit serve` on a free loopback port with a fresh temporary database (from the repository
root, so it finds data/ and public/), then checks that:
  - the page loads, every form control has a label, and the service's defaults are filled in;
  - a 400 from POST /train is shown next to the offending fields;
  - a job started from the form streams curve points live into the charts (the count grows while
    the job runs), and the CSV export has them;
  - the resulting model version opens in the gallery with its metrics and its weight, mean and
    misclassified images loaded; an alias can be set and removed;
  - a stroke drawn on the canvas with the mouse gives a prediction with ten probability bars;
  - real MNIST test digits re-rendered large, off centre, and re-sampled by the page's own
    mnist-preprocess.js are classified by /predict like the original digits;
  - a sweep's 400 from POST /sweeps (a range of no points, a point with a negative lambda) is shown next to the
    sweep form's grid and creates no sweep;
  - a sweep submitted from the sweep form (the training form's request, MNIST on 8,000 rows, at 5 log-spaced
    lambdas with 3-fold CV) draws its path while it runs (a partial path from the event stream), ends with one
    point per lambda in the score, accuracy, sparsity and weight-norm charts (log x axis), marks the service's best
    point in every chart, in the table and in a strip of one loaded weight image per point, sets the alias that
    promote names, and opens the best version in the gallery;
  - a tabular L1 sweep (the breast cancer set, 5 lambdas, 3-fold CV) started with the API shows up in the list
    and draws its coefficient path, one line per coefficient, with the best marked;
  - the sweep view's cancel button cancels a running sweep;
  - the page fits a 390 px wide screen (with the sweep panel showing a sweep), and the browser console has no
    errors;
  - on a second service started with API keys (LOGIT_API_KEYS), training from the page without a key shows a
    401 message pointing at the key field and creates no job; with the key typed in the header's field (kept in
    sessionStorage, never localStorage, and still there after a reload) the page trains, sets and removes an
    alias, and a wrong key is reported as refused.
Screenshots: $LOGIT_SCREENSHOT (default /tmp/logit-page.png) and the same name with "-390" for the
narrow screen. Prints "browser: N passed, M failed" and exits non-zero on any failure.
Needs: selenium (scripts/requirements.txt); Debian chromium and chromium-driver (/usr/bin/chromedriver).
"""

import atexit
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MNIST = ROOT / "data" / "mnist"
MODEL_NAME = "browser-check"
# The service with API keys: a key the page must send, and a small job (L-BFGS on 500 rows, about a second).
API_KEY = "browser-check-key"
KEYED_MODEL = "keyed-check"
KEYED_FORM = {"train-name": KEYED_MODEL, "train-epochs": "5", "train-train-size": "500"}
# A job long enough (300 curve points: 60 batches an epoch for 20 epochs, one point every 4 steps; a few seconds) to
# watch points arrive while it runs.
TRAINING_FORM = {
    "train-name": MODEL_NAME,
    "train-batch-size": "50",
    "train-epochs": "20",
    "train-train-size": "3000",
    "train-eval-every": "4",
}
# A sweep from the page's form: the training form's request (MNIST, L-BFGS on 8,000 rows) at 5 log-spaced lambdas,
# each scored by 3-fold CV; about 3 s in all, a point every half second or so, to watch the path grow.
SWEEP_MODEL = "sweep-check"
SWEEP_FORM = {"sweep-name": SWEEP_MODEL, "sweep-from": "0.1", "sweep-to": "0.00001", "sweep-count": "5",
              "sweep-cv-folds": "3", "sweep-promote": "best"}
SWEEP_TRAIN_SIZE = "8000"
# The classic lasso picture: the breast cancer set's L1 path, started with the API and drawn by the page.
TABULAR_SWEEP = {
    "name": "bcw-path",
    "base": {"dataset": "breast-cancer-wisconsin", "model": "logistic", "regularization": {"type": "l1"}},
    "grid": {"regularization.lambda": {"log_space": [0.3, 0.003, 5]}},
    "cv_folds": 3, "metric": "log_loss", "promote": "best",
}
SWEEP_CHARTS = ("sweep-chart-score", "sweep-chart-accuracy", "sweep-chart-sparsity", "sweep-chart-weight-norm")
RESAMPLED_DIGITS = 20
# The re-sampling check asks a reasonably trained model (L-BFGS on 20,000 rows, ~92% accuracy, a few
# seconds), so that it compares the pre-processing rather than a weak model's coin flips.
REFERENCE_MODEL = {"name": "resample-reference", "train_size": 20000, "epochs": 60}

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # pragma: no cover - reported to the user
    print("check_browser.py needs Selenium: run it through make test (or make test-deps)", file=sys.stderr)
    print("browser: 0 passed, 1 failed")
    sys.exit(1)


# ---------------------------------------------------------------------------------------------
# The service


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`logit serve` on a free port with a throw-away database; always stopped by stop()."""

    def __init__(self, binary, environment=None):
        self.binary = str(Path(binary).resolve())
        self.environment = {**os.environ, **(environment or {})}
        self.api_key = (environment or {}).get("LOGIT_API_KEYS", "").split(",")[0] or None
        self.directory = Path(tempfile.mkdtemp(prefix="logit-browser-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = self.directory / "server.log"

    def start(self, timeout=60):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--database", str(self.directory / "logit.sqlite"), "--no-train-on-first-run"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.environment,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"logit serve exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"logit serve was not ready within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)

    def request(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


# ---------------------------------------------------------------------------------------------
# MNIST test digits


def read_idx(name, header):
    with gzip.open(MNIST / name, "rb") as stream:
        return stream.read()[header:]


def test_digits(count):
    images = read_idx("t10k-images-idx3-ubyte.gz", 16)
    labels = read_idx("t10k-labels-idx1-ubyte.gz", 8)
    return [(list(images[i * 784:(i + 1) * 784]), labels[i]) for i in range(count)]


def centre_and_box(pixels):
    total = sum(pixels)
    xs = [i % 28 for i, value in enumerate(pixels) if value > 0]
    ys = [i // 28 for i, value in enumerate(pixels) if value > 0]
    cx = sum((i % 28) * value for i, value in enumerate(pixels)) / total
    cy = sum((i // 28) * value for i, value in enumerate(pixels)) / total
    return (cx, cy), (max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


# ---------------------------------------------------------------------------------------------
# The browser


def make_driver(width=1400, height=1000):
    options = webdriver.ChromeOptions()
    for binary in (os.environ.get("CHROME_BIN"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if binary and Path(binary).exists():
            options.binary_location = binary
            break
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={width},{height}",
                     "--disable-background-networking", "--no-first-run", "--lang=en-GB"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def wait(driver, timeout, condition, message):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d), message)


def js(driver, script, *arguments):
    return driver.execute_script(script, *arguments)


def scroll_to(driver, element):
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", element)


def click(driver, element):
    """Clicks like a user, after centring the element (the sticky header may cover the top edge)."""
    scroll_to(driver, element)
    element.click()
    return element


def set_value(driver, element_id, value):
    element = driver.find_element(By.ID, element_id)
    scroll_to(driver, element)
    element.clear()
    element.send_keys(value)


def full_page_screenshot(driver, path, width):
    driver.set_window_size(width, 1000)
    time.sleep(0.5)
    height = js(driver, "return Math.ceil(document.documentElement.scrollHeight)")
    driver.set_window_size(width, min(height, 16000))
    time.sleep(0.8)  # let the charts redraw at the new size
    js(driver, "window.scrollTo(0, 0)")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))


class ConsoleLog:
    """Collects the browser console; SEVERE entries are errors unless expected by the current step."""

    def __init__(self, driver):
        self.driver = driver
        self.errors = []

    def collect(self, expected=()):
        for entry in self.driver.get_log("browser"):
            if entry.get("level") != "SEVERE":
                continue
            message = entry.get("message", "")
            if any(re.search(pattern, message) for pattern in expected):
                continue
            self.errors.append(message)


# ---------------------------------------------------------------------------------------------
# The checks


class Check:
    def __init__(self, server, driver):
        self.server = server
        self.driver = driver
        self.console = ConsoleLog(driver)
        self.job_id = None
        self.version = None
        self.keyed = None
        self.sweep_id = None

    def page_loads(self):
        driver = self.driver
        driver.get(f"{self.server.base}/")
        assert "Logit" in driver.title, driver.title
        wait(driver, 15, lambda d: len(Select(d.find_element(By.ID, "train-dataset")).options) >= 2,
             "the data sets were not loaded into the form")
        wait(driver, 15, lambda d: d.find_element(By.ID, "jobs-summary").text != "", "the jobs list never loaded")
        dataset = Select(driver.find_element(By.ID, "train-dataset"))
        assert dataset.first_selected_option.get_attribute("value") in ("mnist", "breast-cancer-wisconsin", "fashion-mnist")
        dataset.select_by_value("mnist")
        # The service's defaults: L-BFGS, 100 epochs, lambda 1e-4, seed 42, learning rate 1.
        values = {name: driver.find_element(By.ID, name).get_attribute("value")
                  for name in ("train-optimizer", "train-epochs", "train-lambda", "train-seed", "train-learning-rate", "train-batch-size")}
        assert values == {"train-optimizer": "lbfgs", "train-epochs": "100", "train-lambda": "0.0001",
                          "train-seed": "42", "train-learning-rate": "1", "train-batch-size": "0"}, values
        # Choosing SGD brings SGD's defaults (learning rate 0.5, 5 epochs, a batch size).
        Select(driver.find_element(By.ID, "train-optimizer")).select_by_value("sgd")
        assert driver.find_element(By.ID, "train-learning-rate").get_attribute("value") == "0.5"
        assert driver.find_element(By.ID, "train-epochs").get_attribute("value") == "5"
        assert int(driver.find_element(By.ID, "train-batch-size").get_attribute("value")) >= 1
        unlabelled = js(driver, """
            return [...document.querySelectorAll('input, select, button, textarea, canvas[tabindex]')]
              .filter((el) => el.type !== 'hidden')
              .filter((el) => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
                                || el.getAttribute('aria-labelledby') || (el.textContent || '').trim()))
              .map((el) => el.outerHTML.slice(0, 80));""")
        assert not unlabelled, f"controls without a label: {unlabelled}"
        favicon = js(driver, "return document.querySelector('link[rel~=icon]')?.href || ''")
        assert favicon, "no favicon link"
        self.console.collect()

    def validation_errors_are_shown_by_field(self):
        driver = self.driver
        click(driver, driver.find_element(By.ID, "train-reset"))
        set_value(driver, "train-epochs", "0")
        set_value(driver, "train-lambda", "-1")
        click(driver, driver.find_element(By.ID, "train-submit"))
        epochs_error = wait(driver, 10, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-field="epochs"] .field-error'),
                            "no error shown next to Epochs")[0]
        assert "1000" in epochs_error.text, epochs_error.text
        lambda_error = driver.find_element(By.CSS_SELECTOR, '[data-field="regularization.lambda"] .field-error')
        assert ">= 0" in lambda_error.text, lambda_error.text
        assert driver.find_element(By.ID, "train-epochs").get_attribute("aria-invalid") == "true"
        # The browser reports the 400 answer itself; that one is expected.
        self.console.collect(expected=[r"/train .*400"])
        click(driver, driver.find_element(By.ID, "train-reset"))
        assert not driver.find_elements(By.CSS_SELECTOR, ".field-error"), "errors stayed after reset"

    def training_streams_live_curves(self):
        driver = self.driver
        Select(driver.find_element(By.ID, "train-optimizer")).select_by_value("sgd")
        more = driver.find_element(By.ID, "train-more")
        if not more.get_attribute("open"):
            click(driver, more.find_element(By.TAG_NAME, "summary"))
        for element_id, value in TRAINING_FORM.items():
            set_value(driver, element_id, value)
        click(driver, driver.find_element(By.ID, "train-submit"))
        status = wait(driver, 15, lambda d: "queued" in d.find_element(By.ID, "train-status").text and d.find_element(By.ID, "train-status"),
                      "the form did not report a queued job")
        self.job_id = wait(driver, 10, lambda d: js(d, "return document.querySelector('#curves-legend [data-run-id]')?.dataset.runId"),
                           "the new job was not plotted")
        # Sample the live point counter while the job runs.
        counts_while_running = []
        deadline = time.monotonic() + 180
        final = None
        while time.monotonic() < deadline:
            state = js(driver, """
                const row = document.querySelector(`#jobs-list [data-job-id="${arguments[0]}"]`);
                const curves = document.getElementById('curves');
                return {status: row?.dataset.status, received: Number(curves.dataset.pointsReceived),
                        legend: document.querySelector(`#curves-legend [data-run-id="${arguments[0]}"]`)?.dataset.status};""",
                self.job_id)
            if state["status"] == "running":
                counts_while_running.append(state["received"])
            if state["legend"] in ("succeeded", "failed", "cancelled") and state["status"] in ("succeeded", "failed", "cancelled"):
                final = state
                break
            time.sleep(0.25)
        assert final, f"the job did not finish within 180 s ({status.text})"
        assert final["status"] == "succeeded", f"job ended {final['status']}"
        received = final["received"]
        assert received > 1, f"only {received} points arrived through the event stream"
        distinct = sorted(set(counts_while_running))
        assert len(distinct) >= 2 and distinct[-1] > distinct[0], \
            f"the point count did not grow while the job ran (samples while running: {distinct[:10]})"
        drawn = int(js(driver, "return document.getElementById('curves').dataset.pointsDrawn"))
        assert drawn >= received, f"{drawn} points drawn, {received} received"
        # The loss chart has been drawn.
        inked = js(driver, """
            const canvas = document.querySelector('#chart-loss canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0; for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
            return count;""")
        assert inked > 500, f"the loss chart looks empty ({inked} painted pixels)"
        self.console.collect()
        print(f"   {received} points received live; counter while running: {distinct[0]} .. {distinct[-1]}")

    def curve_controls_work(self):
        driver = self.driver
        Select(driver.find_element(By.ID, "curves-x")).select_by_value("epoch")
        click(driver, driver.find_element(By.CSS_SELECTOR, 'label[for="curves-log"]'))
        slider = driver.find_element(By.ID, "curves-smoothing")
        js(driver, "arguments[0].value = 0.6; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", slider)
        assert driver.find_element(By.ID, "curves-smoothing-value").text == "0.60"
        canvas = driver.find_element(By.CSS_SELECTOR, "#chart-loss canvas")
        scroll_to(driver, canvas)
        ActionChains(driver).move_to_element_with_offset(canvas, 40, 0).perform()
        tooltip = wait(driver, 5, lambda d: (lambda t: t if t.is_displayed() else None)(d.find_element(By.CSS_SELECTOR, "#chart-loss .chart-tooltip")),
                       "hovering the loss chart shows no tooltip")
        assert "Epoch" in tooltip.text and re.search(r"\d", tooltip.text), tooltip.text
        csv = js(driver, """
            return import('/js/curves.js').then(({curvesToCsv}) => curvesToCsv([{id: 'x', name: 'y', points: [{step: 1, epoch: 0.5, train_loss: 0.3}]}]));""")
        assert csv.splitlines()[0].startswith("job_id,model,step,epoch"), csv
        # Back to the defaults for the screenshots.
        click(driver, driver.find_element(By.CSS_SELECTOR, 'label[for="curves-linear"]'))
        js(driver, "arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", slider)
        Select(driver.find_element(By.ID, "curves-x")).select_by_value("step")
        self.console.collect()

    def gallery_shows_the_version(self):
        driver = self.driver
        link = wait(driver, 15, lambda d: d.find_elements(By.CSS_SELECTOR, f'#jobs-list [data-job-id="{self.job_id}"] .job-actions a'),
                    "the finished job offers no link to its model")[0]
        click(driver, link)
        wait(driver, 15, lambda d: MODEL_NAME in d.find_element(By.ID, "version-title").text, "the version view did not open")
        for image_id in ("version-weights", "version-mean-images", "version-misclassified"):
            wait(driver, 20, lambda d: js(d, "const i = document.getElementById(arguments[0]); return i && i.complete && i.naturalWidth > 0", image_id),
                 f"{image_id} did not load")
        cells = driver.find_elements(By.CSS_SELECTOR, "#version-detail table.confusion td")
        assert len(cells) == 100, f"{len(cells)} confusion-matrix cells"
        coloured = js(driver, "return getComputedStyle(document.querySelector('.confusion td.diagonal')).backgroundColor")
        assert coloured not in ("rgba(0, 0, 0, 0)", "transparent"), coloured
        accuracy = driver.find_element(By.CSS_SELECTOR, "#version-detail .stat dd").text
        assert re.fullmatch(r"\d+\.\d\d%", accuracy), accuracy
        href = driver.find_element(By.XPATH, "//a[contains(., 'model.h5')]").get_attribute("href")
        assert href.endswith(f"/models/{MODEL_NAME}/versions/1/model.h5"), href
        self.console.collect()

    def aliases_can_be_set_and_removed(self):
        driver = self.driver
        set_value(driver, "alias-name", "champion")
        click(driver, driver.find_element(By.CSS_SELECTOR, ".alias-form button[type=submit]"))
        wait(driver, 10, lambda d: "champion → v1" in d.find_element(By.ID, "version-detail").text, "the alias did not appear")
        status, body = self.server.request("GET", f"/models/{MODEL_NAME}")
        assert status == 200 and body["aliases"] == {"champion": 1}, body
        remove = driver.find_element(By.CSS_SELECTOR, 'button[aria-label="Remove alias champion"]')
        click(driver, remove)
        wait(driver, 10, lambda d: "champion → v1" not in d.find_element(By.ID, "version-detail").text, "the alias was not removed")
        self.console.collect()

    def drawing_gives_a_prediction(self):
        driver = self.driver
        Select(driver.find_element(By.ID, "draw-model")).select_by_value(MODEL_NAME)
        canvas = driver.find_element(By.ID, "draw-canvas")
        scroll_to(driver, canvas)
        size = canvas.size["width"]
        # A "7": a bar across the top, then a long diagonal down to the left (offsets from the centre).
        step = size / 20
        path = [(-5, -7), (-2, -7), (1, -7), (5, -7), (4, -4), (3, -1), (2, 2), (1, 5), (0, 8)]
        actions = ActionChains(driver, duration=20)
        actions.move_to_element_with_offset(canvas, int(path[0][0] * step), int(path[0][1] * step)).click_and_hold()
        for (x0, y0), (x1, y1) in zip(path, path[1:]):
            actions.move_by_offset(int((x1 - x0) * step), int((y1 - y0) * step))
        actions.release().perform()
        wait(driver, 15, lambda d: d.find_element(By.ID, "prediction").get_attribute("data-label"), "no prediction appeared")
        bars = driver.find_elements(By.CSS_SELECTOR, "#prediction-bars .prob-bar")
        assert len(bars) == 10, f"{len(bars)} probability bars"
        values = [bar.find_element(By.CSS_SELECTOR, ".prob-value").text for bar in bars]
        assert all(re.fullmatch(r"\d+(\.\d)?%", value) for value in values), values
        total = sum(float(value.rstrip("%")) for value in values)
        assert 98 <= total <= 102, f"probabilities add up to {total}%"
        ink = js(driver, """
            const data = document.getElementById('draw-preview').getContext('2d').getImageData(0, 0, 28, 28).data;
            let sum = 0; for (let i = 0; i < data.length; i += 4) sum += data[i]; return sum;""")
        assert ink > 0, "the 28x28 preview is empty"
        label = driver.find_element(By.ID, "prediction").get_attribute("data-label")
        print(f"   the drawn 7 was read as {label}; bars: {' '.join(values)}")
        self.console.collect()

    def resampled_digits_are_classified_the_same(self):
        """MNIST test digits drawn 9x larger, off centre, then re-sampled by the page's module."""
        driver = self.driver
        status, body = self.server.request("POST", "/train", REFERENCE_MODEL)
        assert status == 202, body
        job_id = body["job"]["id"]
        digits = test_digits(RESAMPLED_DIGITS)
        resampled = driver.execute_async_script("""
            const [digits, done] = [arguments[0], arguments[arguments.length - 1]];
            import('/js/mnist-preprocess.js').then(({toMnistPixels, alphaChannel}) => {
              const small = document.createElement('canvas');
              small.width = small.height = 28;
              const big = document.createElement('canvas');
              big.width = 340; big.height = 300;
              const results = digits.map((pixels, index) => {
                const image = small.getContext('2d').createImageData(28, 28);
                pixels.forEach((value, i) => image.data.set([255, 255, 255, value], i * 4));
                small.getContext('2d').putImageData(image, 0, 0);
                const context = big.getContext('2d', {willReadFrequently: true});
                context.clearRect(0, 0, big.width, big.height);
                context.imageSmoothingEnabled = index % 2 === 0;  // both smooth and blocky enlargement
                context.drawImage(small, 11 + (index % 4) * 19, 5 + (index % 3) * 13, 252, 252);
                const data = context.getImageData(0, 0, big.width, big.height).data;
                return Array.from(toMnistPixels(alphaChannel(data), big.width, big.height));
              });
              done(results);
            }).catch((error) => done(String(error)));""", [pixels for pixels, _ in digits])
        assert isinstance(resampled, list), resampled
        for pixels in resampled:
            (cx, cy), (width, height) = centre_and_box(pixels)
            assert 13.5 <= cx <= 14.5 and 13.5 <= cy <= 14.5, (cx, cy)
            assert max(width, height) == 20 and min(width, height) <= 20, (width, height)

        deadline = time.monotonic() + 300
        while True:
            status, job = self.server.request("GET", f"/jobs/{job_id}")
            if job.get("status") in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert job.get("status") == "succeeded", f"the reference model's job ended as {job.get('status')}: {job.get('error')}"

        def labels(instances):
            status, body = self.server.request("POST", "/predict", {"model": REFERENCE_MODEL["name"], "instances": instances})
            assert status == 200, body
            return [prediction["label"] for prediction in body["predictions"]]

        original_labels = labels([pixels for pixels, _ in digits])
        resampled_labels = labels(resampled)
        differing = [(i, a, b) for i, (a, b) in enumerate(zip(original_labels, resampled_labels)) if a != b]
        assert not differing, f"(digit, original label, re-sampled label) differ: {differing}"
        correct = sum(label == truth for label, (_, truth) in zip(original_labels, digits))
        print(f"   {len(digits)} digits (half enlarged smoothly, half blockily) re-sampled and classified as their"
              f" originals; {correct} of them correctly")
        self.console.collect()

    def prepare_sweep_base(self):
        """The training form, the sweep's base: its defaults on MNIST, with 8,000 training rows."""
        driver = self.driver
        click(driver, driver.find_element(By.ID, "train-reset"))
        Select(driver.find_element(By.ID, "train-dataset")).select_by_value("mnist")
        set_value(driver, "train-train-size", SWEEP_TRAIN_SIZE)

    def sweep_errors_are_shown_by_the_form(self):
        driver = self.driver
        self.prepare_sweep_base()
        for element_id, value in SWEEP_FORM.items():
            set_value(driver, element_id, value)

        def submit_and_read_grid_error():
            click(driver, driver.find_element(By.ID, "sweep-submit"))
            return wait(driver, 10, lambda d: d.find_elements(By.CSS_SELECTOR, '#sweep-form [data-field="grid"] > .field-error'),
                        "no error shown next to the sweep's grid")[0].text

        # No points: the range's count is refused as a whole.
        set_value(driver, "sweep-count", "0")
        message = submit_and_read_grid_error()
        assert "count" in message, message
        assert driver.find_element(By.ID, "sweep-from").get_attribute("aria-invalid") is None
        assert driver.find_element(By.ID, "sweep-key").get_attribute("aria-invalid") == "true"
        # A bad point: a linear range from -1 gives a negative lambda, which the service names by point.
        click(driver, driver.find_element(By.CSS_SELECTOR, 'label[for="sweep-spacing-linear"]'))
        set_value(driver, "sweep-from", "-1")
        set_value(driver, "sweep-to", "1")
        set_value(driver, "sweep-count", "3")
        wait(driver, 5, lambda d: not d.find_elements(By.CSS_SELECTOR, '#sweep-form [data-field="grid"] > .field-error'),
             "the grid's error stayed while its fields were edited")
        message = submit_and_read_grid_error()
        assert "point 0" in message and ">= 0" in message, message
        alert = driver.find_element(By.ID, "sweep-error")
        assert alert.is_displayed() and "attention" in alert.text, alert.text
        status, body = self.server.request("GET", "/sweeps")
        assert status == 200 and body["sweeps"] == [], f"a refused sweep was created: {body}"
        self.console.collect(expected=[r"/sweeps .*400"])

    def sweep_state(self):
        return js(self.driver, """
            const view = document.getElementById('sweep-view');
            const chart = (id) => document.getElementById(id).dataset;
            return {id: view.dataset.sweepId, status: view.dataset.status, received: Number(view.dataset.pointsReceived || 0),
                    best: view.dataset.bestIndex, drawn: Number(chart('sweep-chart-score').pointsDrawn || 0)};""")

    def wait_for_sweep_end(self, sweep_id, samples=None, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.sweep_state()
            if state["id"] == sweep_id and state["status"] in ("queued", "running") and samples is not None:
                samples.append(state["drawn"])
            if state["id"] == sweep_id and state["status"] in ("succeeded", "failed", "cancelled"):
                return state
            time.sleep(0.1)
        raise AssertionError(f"the sweep did not end on the page within {timeout} s: {self.sweep_state()}")

    def check_best_is_marked(self, sweep, charts):
        """The service's best point is the one marked in every chart, in the table and in the view."""
        driver = self.driver
        best = sweep["best"]
        assert best is not None, sweep
        best_lambda = best["params"]["regularization.lambda"]
        for chart_id in charts:
            marked = driver.find_element(By.ID, chart_id).get_attribute("data-marker-x")
            assert marked and abs(float(marked) - best_lambda) <= 1e-12 * best_lambda, \
                f"{chart_id} marks {marked}, the service's best lambda is {best_lambda}"
            assert driver.find_element(By.ID, chart_id).get_attribute("data-x-scale") == "log", f"{chart_id} has no log x axis"
        rows = driver.find_elements(By.CSS_SELECTOR, "#sweep-points tbody tr")
        assert len(rows) == len(sweep["points"]), f"{len(rows)} table rows for {len(sweep['points'])} points"
        marked_rows = [row.get_attribute("data-index") for row in rows if "best" in row.get_attribute("class").split()]
        assert marked_rows == [str(best["index"])], f"table marks {marked_rows}, the service's best is {best['index']}"
        assert driver.find_element(By.ID, "sweep-view").get_attribute("data-best-index") == str(best["index"])
        return best

    def painted_pixels(self, container_id):
        return js(self.driver, """
            const canvas = document.querySelector(`#${arguments[0]} canvas`);
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0; for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
            return count;""", container_id)

    def sweep_from_the_form_draws_the_path_live(self):
        driver = self.driver
        self.prepare_sweep_base()
        # Picking a field suggests its usual range: linear for epochs, log for lambda.
        Select(driver.find_element(By.ID, "sweep-key")).select_by_value("epochs")
        assert driver.find_element(By.ID, "sweep-spacing-linear").is_selected(), "picking epochs did not suggest linear spacing"
        Select(driver.find_element(By.ID, "sweep-key")).select_by_value("regularization.lambda")
        assert driver.find_element(By.ID, "sweep-spacing-log").is_selected(), "picking lambda did not suggest log spacing"
        for element_id, value in SWEEP_FORM.items():
            set_value(driver, element_id, value)
        click(driver, driver.find_element(By.ID, "sweep-submit"))
        wait(driver, 15, lambda d: "queued" in d.find_element(By.ID, "sweep-status").text, "the form did not report a queued sweep")
        assert driver.find_element(By.ID, "sweep-error").get_attribute("hidden") is not None, "the 400 message stayed"
        status, body = self.server.request("GET", "/sweeps")
        assert status == 200 and len(body["sweeps"]) == 1, body
        sweep_id = body["sweeps"][0]["id"]
        samples = []
        final = self.wait_for_sweep_end(sweep_id, samples)
        assert final["status"] == "succeeded", f"the sweep ended {final['status']}"
        status, sweep = self.server.request("GET", f"/sweeps/{sweep_id}")
        assert status == 200 and sweep["status"] == "succeeded", sweep
        # Every point is the training form's request with its lambda: 8,000 rows of MNIST, from the form.
        status, job = self.server.request("GET", f"/jobs/{sweep['jobs'][0]}")
        assert job["request"]["train_size"] == int(SWEEP_TRAIN_SIZE) and job["request"]["dataset"] == "mnist", job["request"]
        lambdas = sorted(point["params"]["regularization.lambda"] for point in sweep["points"])
        assert len(lambdas) == 5 and abs(lambdas[0] - 1e-5) < 1e-12 and abs(lambdas[-1] - 0.1) < 1e-12, lambdas
        # The path grew on the page while the sweep ran: a partial path was drawn, from points of the event stream.
        partial = sorted(set(count for count in samples if 0 < count < 5))
        assert partial, f"no partial path was drawn while the sweep ran (point counts while running: {sorted(set(samples))})"
        assert final["received"] >= 1, "no point came through the event stream"
        for chart_id in SWEEP_CHARTS:
            wait(driver, 5, lambda d: d.find_element(By.ID, chart_id).get_attribute("data-points-drawn")
                 == str(15 if chart_id == "sweep-chart-accuracy" else 5), f"{chart_id} does not show every point")
        assert driver.find_element(By.ID, "sweep-chart-accuracy").get_attribute("data-series-drawn") == "3", "train/validation/test"
        inked = self.painted_pixels("sweep-chart-score")
        assert inked > 500, f"the score chart looks empty ({inked} painted pixels)"
        best = self.check_best_is_marked(sweep, SWEEP_CHARTS)
        best_row = driver.find_element(By.CSS_SELECTOR, "#sweep-points tbody tr.best")
        assert "±" in best_row.text, f"the CV mean ± std is missing: {best_row.text}"
        # One weight image per point, each loaded, the best one marked.
        wait(driver, 30, lambda d: js(d, """
            const images = [...document.querySelectorAll('#sweep-weights-strip img')];
            return images.length === 5 && images.every((image) => image.complete && image.naturalWidth > 0);"""),
             "the weight strip has not loaded one image per point")
        assert driver.find_element(By.ID, "sweep-weights").is_displayed(), "the weight strip is hidden"
        frames = driver.find_elements(By.CSS_SELECTOR, "#sweep-weights-strip .weight-frame.best")
        assert [frame.get_attribute("data-index") for frame in frames] == [str(best["index"])], "the strip marks another point"
        # The alias from promote is set, and shown; the best version opens in the gallery.
        status, model = self.server.request("GET", f"/models/{SWEEP_MODEL}")
        assert status == 200 and model["aliases"].get("best") == best["model"]["version"], model["aliases"]
        wait(driver, 10, lambda d: f"best → v{best['model']['version']}" in d.find_element(By.ID, "sweep-best").text,
             "the view does not show the alias")
        link = driver.find_element(By.ID, "sweep-best-link")
        assert link.get_attribute("href").endswith(f"#models/{SWEEP_MODEL}/{best['model']['version']}"), link.get_attribute("href")
        click(driver, link)
        # Read in one go: the gallery redraws the title when the sweep's end refreshes the models.
        title = lambda d: js(d, "return document.getElementById('version-title')?.textContent || ''")
        wait(driver, 15, lambda d: SWEEP_MODEL in title(d) and f"version {best['model']['version']}" in title(d),
             "the best version did not open in the gallery")
        self.sweep_id = sweep_id
        self.console.collect()
        print(f"   points drawn while running: {partial}; best lambda {best['params']['regularization.lambda']:.3g}"
              f" (v{best['model']['version']}, aliased best)")

    def tabular_sweep_draws_the_coefficient_path(self):
        driver = self.driver
        status, body = self.server.request("POST", "/sweeps", TABULAR_SWEEP)
        assert status == 202, body
        sweep_id = body["sweep"]["id"]
        status, datasets = self.server.request("GET", "/datasets")
        features = next(d["features"] for d in datasets["datasets"] if d["name"] == "breast-cancer-wisconsin")
        # The list polls GET /sweeps: the API's sweep appears there, and a click shows it.
        button = wait(driver, 15, lambda d: d.find_elements(By.CSS_SELECTOR, f'#sweeps-list [data-sweep-id="{sweep_id}"] button'),
                      "the sweep started with the API is not listed")[0]
        click(driver, button)
        assert button.get_attribute("aria-pressed") == "true"
        final = self.wait_for_sweep_end(sweep_id)
        assert final["status"] == "succeeded", f"the sweep ended {final['status']}"
        status, sweep = self.server.request("GET", f"/sweeps/{sweep_id}")
        coefficients = len(sweep["points"][0]["result"]["coefficients"])
        assert coefficients >= features, f"{coefficients} coefficients for {features} features"
        chart = driver.find_element(By.ID, "sweep-chart-coefficients")
        wait(driver, 10, lambda d: chart.is_displayed() and chart.get_attribute("data-series-drawn") == str(coefficients),
             f"the coefficient path does not draw one line per coefficient ({chart.get_attribute('data-series-drawn')} of {coefficients})")
        assert int(chart.get_attribute("data-points-drawn")) == coefficients * 5, chart.get_attribute("data-points-drawn")
        inked = self.painted_pixels("sweep-chart-coefficients")
        assert inked > 2000, f"the coefficient path looks empty ({inked} painted pixels)"
        self.check_best_is_marked(sweep, SWEEP_CHARTS + ("sweep-chart-coefficients",))
        assert not driver.find_element(By.ID, "sweep-weights").is_displayed(), "a tabular sweep shows a weight strip"
        # The lasso: the strongest penalty leaves more weights at zero than the weakest.
        by_lambda = sorted((p["params"]["regularization.lambda"], p["result"]["sparsity"]) for p in sweep["points"])
        assert by_lambda[-1][1] > by_lambda[0][1], f"sparsity along the L1 path: {by_lambda}"
        self.console.collect()
        print(f"   {coefficients} coefficient lines over 5 lambdas; sparsity {by_lambda[0][1]:.0%} .. {by_lambda[-1][1]:.0%}")

    def cancel_button_stops_a_sweep(self):
        driver = self.driver
        # Long enough to be running when the button is pressed: 20,000 rows, 5-fold CV, 6 points.
        status, body = self.server.request("POST", "/sweeps", {
            "name": "sweep-cancel", "base": {"dataset": "mnist", "train_size": 20000},
            "grid": {"regularization.lambda": {"log_space": [0.1, 0.000001, 6]}}, "cv_folds": 5})
        assert status == 202, body
        sweep_id = body["sweep"]["id"]
        button = wait(driver, 15, lambda d: d.find_elements(By.CSS_SELECTOR, f'#sweeps-list [data-sweep-id="{sweep_id}"] button'),
                      "the sweep is not listed")[0]
        click(driver, button)
        cancel = wait(driver, 15, lambda d: (lambda b: b if b.is_displayed() else None)(d.find_element(By.ID, "sweep-cancel")),
                      "no cancel button for a running sweep")
        click(driver, cancel)
        final = self.wait_for_sweep_end(sweep_id, timeout=60)
        assert final["status"] == "cancelled", f"the sweep ended {final['status']}"
        status, sweep = self.server.request("GET", f"/sweeps/{sweep_id}")
        assert sweep["status"] == "cancelled" and sweep["progress"]["done"] < 6, sweep["progress"]
        assert not driver.find_element(By.ID, "sweep-cancel").is_displayed(), "the cancel button stayed"
        self.console.collect()
        # The image sweep again, so that the narrow-screen check covers its weight strip.
        assert self.sweep_id, "no image sweep to show again (its check failed)"
        click(driver, driver.find_element(By.CSS_SELECTOR, f'#sweeps-list [data-sweep-id="{self.sweep_id}"] button'))
        wait(driver, 15, lambda d: js(d, "return document.querySelectorAll('#sweep-weights-strip img').length") == 5,
             "the image sweep's strip did not come back")

    def fits_a_narrow_screen(self):
        driver = self.driver
        wide = os.environ.get("LOGIT_SCREENSHOT", "/tmp/logit-page.png")
        full_page_screenshot(driver, wide, 1400)
        driver.set_window_size(390, 900)
        time.sleep(0.8)
        inner = js(driver, "return window.innerWidth")
        overflow = js(driver, """
            const limit = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter((el) => el.getClientRects().length && !el.closest('.table-scroll, .site-nav, .chart-tooltip, .visually-hidden'))
              .filter((el) => el.getBoundingClientRect().right > limit + 1)
              .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + String(el.className).split(' ')[0]).slice(0, 8);""")
        scroll_width = js(driver, "return document.documentElement.scrollWidth")
        assert scroll_width <= inner + 1, f"the page scrolls sideways at {inner} px: {scroll_width} px wide; {overflow}"
        assert not overflow, f"elements overflow a {inner} px screen: {overflow}"
        base, extension = os.path.splitext(wide)
        full_page_screenshot(driver, f"{base}-390{extension or '.png'}", 390)
        print(f"   screenshots: {wide} and {base}-390{extension or '.png'}")
        driver.set_window_size(1400, 1000)
        self.console.collect()

    def touch_drawing_on_a_phone(self):
        """A finger draws a "1" on a 390 px wide screen: the pad must not scroll and must predict."""
        driver = self.driver
        driver.set_window_size(390, 844)
        time.sleep(0.5)
        click(driver, driver.find_element(By.ID, "draw-clear"))
        wait(driver, 5, lambda d: not d.find_element(By.ID, "prediction").get_attribute("data-label"), "Clear kept the prediction")
        canvas = driver.find_element(By.ID, "draw-canvas")
        scroll_to(driver, canvas)
        scroll_before = js(driver, "return window.scrollY")
        box = js(driver, "const r = arguments[0].getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}", canvas)
        finger = PointerInput(interaction.POINTER_TOUCH, "finger")
        actions = ActionBuilder(driver, mouse=finger, duration=15)
        x = int(box["x"] + box["w"] * 0.52)
        actions.pointer_action.move_to_location(x, int(box["y"] + box["h"] * 0.15)).pointer_down()
        for fraction in (0.3, 0.45, 0.6, 0.75, 0.88):
            actions.pointer_action.move_to_location(x - int(box["w"] * 0.04 * fraction), int(box["y"] + box["h"] * fraction))
        actions.pointer_action.pointer_up()
        actions.perform()
        wait(driver, 15, lambda d: d.find_element(By.ID, "prediction").get_attribute("data-label"), "no prediction after drawing by touch")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#prediction-bars .prob-bar")) == 10
        assert abs(js(driver, "return window.scrollY") - scroll_before) < 2, "drawing scrolled the page"
        label = driver.find_element(By.ID, "prediction").get_attribute("data-label")
        print(f"   a finger-drawn 1 was read as {label}")
        driver.set_window_size(1400, 1000)
        self.console.collect()

    def keyed_service(self):
        """The second service, with API keys; started on first use, stopped by main()."""
        if self.keyed is None:
            self.keyed = Server(self.server.binary, environment={"LOGIT_API_KEYS": f"{API_KEY},another-key"})
            self.keyed.start()
        return self.keyed

    def stored_key(self):
        """The page's key in sessionStorage, and every localStorage value (none may hold the key)."""
        return js(self.driver, """
            return {session: sessionStorage.getItem('logit.apiKey'),
                    local: Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k))};""")

    def without_a_key_training_is_refused(self):
        driver = self.driver
        keyed = self.keyed_service()
        driver.set_window_size(1400, 1000)
        driver.get(f"{keyed.base}/")
        wait(driver, 15, lambda d: len(Select(d.find_element(By.ID, "train-dataset")).options) >= 2,
             "the data sets were not loaded into the form")
        assert driver.find_element(By.ID, "api-key").get_attribute("value") == "", "the key field is not empty"
        Select(driver.find_element(By.ID, "train-dataset")).select_by_value("mnist")
        for element_id, value in KEYED_FORM.items():
            set_value(driver, element_id, value)
        click(driver, driver.find_element(By.ID, "train-submit"))
        alert = wait(driver, 10, lambda d: (lambda a: a if a.is_displayed() and a.text else None)(d.find_element(By.ID, "train-error")),
                     "no message after a refused POST /train")
        assert "API key" in alert.text and "field" in alert.text, alert.text
        marked = js(driver, "return document.getElementById('api-key').closest('.api-key').classList.contains('needs-key')")
        assert marked, "the key field was not pointed out after the 401"
        status, body = keyed.request("GET", "/jobs")
        assert status == 200 and body["jobs"] == [], f"a job was created without a key: {body}"
        self.console.collect(expected=[r"/train .*401"])

    def with_the_key_the_page_trains_and_sets_aliases(self):
        driver = self.driver
        keyed = self.keyed_service()
        set_value(driver, "api-key", API_KEY)
        stored = self.stored_key()
        assert stored["session"] == API_KEY, stored
        assert not any(API_KEY in item for item in stored["local"]), f"the key is in localStorage: {stored['local']}"
        assert not js(driver, "return document.querySelector('.api-key.needs-key')"), "the key field stayed marked"
        click(driver, driver.find_element(By.ID, "train-submit"))
        wait(driver, 15, lambda d: "queued" in d.find_element(By.ID, "train-status").text, "the form did not report a queued job")
        assert driver.find_element(By.ID, "train-error").get_attribute("hidden") is not None, "the 401 message stayed"
        status, body = keyed.request("GET", "/jobs")
        assert status == 200 and len(body["jobs"]) == 1, body
        job_id = body["jobs"][0]["id"]
        deadline = time.monotonic() + 120
        while True:
            status, job = keyed.request("GET", f"/jobs/{job_id}")
            if job.get("status") in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert job.get("status") == "succeeded", f"the keyed job ended as {job.get('status')}: {job.get('error')}"
        # The key lasts for the tab's session: a reload keeps it.
        driver.get(f"{keyed.base}/#models/{KEYED_MODEL}/1")
        wait(driver, 15, lambda d: KEYED_MODEL in d.find_element(By.ID, "version-title").text, "the keyed version did not open")
        assert driver.find_element(By.ID, "api-key").get_attribute("value") == API_KEY, "the key was lost on reload"
        # A wrong key is refused, and said so.
        set_value(driver, "api-key", "not-the-key")
        set_value(driver, "alias-name", "keyed-alias")
        click(driver, driver.find_element(By.CSS_SELECTOR, ".alias-form button[type=submit]"))
        wait(driver, 10, lambda d: "refused the API key" in d.find_element(By.ID, "alias-status").text,
             "a wrong key's 401 was not reported by the alias form")
        status, body = keyed.request("GET", f"/models/{KEYED_MODEL}")
        assert body["aliases"] == {}, body
        # With the right key the alias is set, then removed.
        set_value(driver, "api-key", API_KEY)
        set_value(driver, "alias-name", "keyed-alias")
        click(driver, driver.find_element(By.CSS_SELECTOR, ".alias-form button[type=submit]"))
        wait(driver, 10, lambda d: "keyed-alias → v1" in d.find_element(By.ID, "version-detail").text, "the alias did not appear")
        status, body = keyed.request("GET", f"/models/{KEYED_MODEL}")
        assert status == 200 and body["aliases"] == {"keyed-alias": 1}, body
        click(driver, driver.find_element(By.CSS_SELECTOR, 'button[aria-label="Remove alias keyed-alias"]'))
        wait(driver, 10, lambda d: "keyed-alias → v1" not in d.find_element(By.ID, "version-detail").text, "the alias was not removed")
        status, body = keyed.request("GET", f"/models/{KEYED_MODEL}")
        assert body["aliases"] == {}, body
        stored = self.stored_key()
        assert stored["session"] == API_KEY and not any(API_KEY in item for item in stored["local"]), stored
        self.console.collect(expected=[r"/aliases/keyed-alias .*401"])

    def console_has_no_errors(self):
        self.console.collect()
        assert not self.console.errors, "console errors:\n" + "\n".join(self.console.errors)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    binary = sys.argv[1]
    if not os.access(binary, os.X_OK):
        print(f"{binary} is not an executable", file=sys.stderr)
        print("browser: 0 passed, 1 failed")
        return 1
    server = Server(binary)
    atexit.register(server.stop)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    passed = failed = 0
    driver = None
    check = None
    try:
        server.start()
        driver = make_driver()
        check = Check(server, driver)
        steps = [
            ("page loads with the service's defaults and labelled controls", check.page_loads),
            ("validation errors from POST /train are shown by their fields", check.validation_errors_are_shown_by_field),
            ("a job started from the form streams its curve points live", check.training_streams_live_curves),
            ("curve controls: epoch axis, log scale, smoothing, hover tooltip, CSV", check.curve_controls_work),
            ("the model version opens in the gallery with metrics and images", check.gallery_shows_the_version),
            ("an alias can be set and removed", check.aliases_can_be_set_and_removed),
            ("a digit drawn with the mouse gets ten probability bars", check.drawing_gives_a_prediction),
            ("re-rendered, re-sampled test digits are classified like the originals", check.resampled_digits_are_classified_the_same),
            ("a refused sweep (no points, a bad point) is shown next to the sweep form and creates nothing",
             check.sweep_errors_are_shown_by_the_form),
            ("a sweep from the form draws its path live, marks the best, loads its weights and aliases it",
             check.sweep_from_the_form_draws_the_path_live),
            ("a tabular L1 sweep started with the API draws its coefficient path",
             check.tabular_sweep_draws_the_coefficient_path),
            ("the sweep view's cancel button cancels a running sweep", check.cancel_button_stops_a_sweep),
            ("the page fits a 390 px screen (screenshots saved)", check.fits_a_narrow_screen),
            ("a digit drawn by touch on a 390 px screen gets a prediction", check.touch_drawing_on_a_phone),
            ("with API keys, training without a key shows the 401 message and creates nothing",
             check.without_a_key_training_is_refused),
            ("with the key typed in (sessionStorage only) the page trains and sets and removes an alias",
             check.with_the_key_the_page_trains_and_sets_aliases),
            ("the browser console has no errors", check.console_has_no_errors),
        ]
        prerequisites_failed = False
        for name, step in steps:
            if prerequisites_failed and step not in (check.fits_a_narrow_screen, check.console_has_no_errors):
                print(f"FAIL {name}: skipped because the page did not load")
                failed += 1
                continue
            try:
                step()
                print(f"ok   {name}")
                passed += 1
            except (AssertionError, TimeoutException, WebDriverException, RuntimeError, KeyError, TypeError, ValueError) as error:
                failed += 1
                message = str(error).strip() or error.__class__.__name__
                if isinstance(error, WebDriverException) and not isinstance(error, TimeoutException):
                    message = error.msg or message
                print(f"FAIL {name}: {message}")
                if os.environ.get("LOGIT_CHECK_DEBUG"):
                    traceback.print_exc()
                if step is check.page_loads:
                    prerequisites_failed = True
    except Exception as error:  # the server or the browser could not start
        failed += 1
        print(f"FAIL setup: {error}")
    finally:
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        server.stop()
        if check is not None and check.keyed is not None:
            check.keyed.stop()
    print(f"browser: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

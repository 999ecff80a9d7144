#!/usr/bin/env python3
"""The explorer page of a running `hltwap api`, in headless Chromium driven by Selenium.

Usage: explorer_test.py --base URL --screenshots DIR [--chromium PATH] [--chromedriver PATH]

Run by tests/explorer_test.cc against the sample data (tests/data/*.parquet). Every wait is on a
condition of the page (WebDriverWait), never a fixed sleep; timeouts are generous because the
machine may be loaded. What the page shows is compared with what the API answers for the same
request, string for string.
"""
import argparse
import base64
import json
import os
import sys
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ALICE = "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"
# Dave's TWAPs traded a perpetual and a spot pair.
DAVE = "0x00000000219ab540356cbb839cbe05303d7705fa"
NOBODY = "0x000000000000000000000000000000000000beef"
RANGE = {"start": "2025-11-01", "end": "2025-11-04"}
# What the page sends for a date alone in "To": the whole day.
API_RANGE = {"start": "2025-11-01", "end": "2025-11-04T23:59:59.999999Z"}
TIMEOUT = 90
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

ARGS = None


def api(path, params=None):
    """(status, headers, body bytes) of a GET to the server under test."""
    url = ARGS.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def api_json(path, params=None):
    status, _, body = api(path, params)
    return status, json.loads(body)


def make_driver(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = ARGS.chromium
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1000", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--lang=en-US",
        # Nothing but loopback resolves: a request elsewhere fails here and is still logged.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(ARGS.chromedriver))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": downloads})
    return driver


class Explorer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.downloads = tempfile.mkdtemp(prefix="hltwap_explorer_downloads_")
        cls.driver = make_driver(cls.downloads)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        for name in os.listdir(cls.downloads):
            os.remove(os.path.join(cls.downloads, name))
        os.rmdir(cls.downloads)

    def setUp(self):
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.driver.get("about:blank")
        self.driver.get_log("performance")  # drop what came before this test
        self.driver.get_log("browser")

    def tearDown(self):
        self.assert_loopback_only()
        self.assert_clean_console()

    # Helpers -------------------------------------------------------------------------------

    def open(self, path, params=None):
        self.driver.get(ARGS.base + path + ("?" + urllib.parse.urlencode(params) if params else ""))

    def wait_for(self, css, timeout=TIMEOUT):
        try:
            return WebDriverWait(self.driver, timeout).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, css))[0]
        except TimeoutException:
            self.fail(f"{css} did not appear; page text:\n{self.text('body')}")

    def wait_until(self, condition, what):
        try:
            return WebDriverWait(self.driver, TIMEOUT).until(lambda d: condition())
        except TimeoutException:
            self.fail(f"timed out waiting for {what}; page text:\n{self.text('body')}")

    def text(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0].get_attribute("textContent").strip() if found else ""

    def row_ids(self):
        return [row.get_attribute("data-twap-id")
                for row in self.driver.find_elements(By.CSS_SELECTOR, "#twaps tbody tr")]

    def cells(self, row):
        return [c.get_attribute("textContent").strip()
                for c in row.find_elements(By.CSS_SELECTOR, "th, td")]

    def open_list(self, **extra):
        self.open("/", {"wallet": ALICE, **RANGE, **extra})
        self.wait_for("#results[data-state=ready]")

    def screenshot(self, name):
        """The whole page, not only the viewport."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        with open(os.path.join(ARGS.screenshots, name), "wb") as out:
            out.write(base64.b64decode(shot["data"]))

    def narrow(self):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})

    def assert_no_horizontal_overflow(self):
        # A phone widens its layout viewport to fit what overflows: both would show it.
        widths = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        self.assertEqual(widths, [360, 360], "[page width, viewport width] on a 360 px screen")

    def assert_loopback_only(self):
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        self.assertTrue(urls, "no request was recorded: the check would see nothing")
        for url in urls:
            parsed = urllib.parse.urlsplit(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            self.assertIn(parsed.hostname, LOOPBACK, f"a request left loopback: {url}")

    def assert_clean_console(self):
        for entry in self.driver.get_log("browser"):
            message = entry["message"]
            for bad in ("Content Security Policy", "Uncaught", "SyntaxError", "TypeError"):
                self.assertNotIn(bad, message, message)

    # The list ---------------------------------------------------------------------------------

    def test_table_shows_the_wallets_twaps_as_the_api_gives_them(self):
        status, page = api_json("/api/v1/twaps", {"wallet": ALICE, **API_RANGE, "limit": 5000})
        self.assertEqual(status, 200)
        self.assertGreaterEqual(len(page["twaps"]), 5)
        self.open_list()
        self.assertEqual(self.row_ids(), [t["twap_id"] for t in page["twaps"]])
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#twaps tbody tr")
        for twap, row in zip(page["twaps"], rows):
            cells = self.cells(row)
            summary = twap["fills_summary"] or {}
            self.assertEqual(cells[0], twap["twap_id"])
            self.assertEqual(cells[1], twap["created_at"])
            self.assertEqual(cells[2], twap["asset"])
            self.assertEqual(cells[4], twap["status"])
            self.assertEqual(cells[5], twap["size_requested"])
            self.assertTrue(cells[6].startswith(twap["executed"]["size"]), cells[6])
            self.assertEqual(cells[7], summary.get("avg_px") or "—")
            self.assertEqual(cells[9], summary.get("closed_pnl") or "—")
            if summary.get("fee") is not None:
                self.assertEqual(cells[8], f"{summary['fee']} {summary['fee_token']}")
        # Exact strings, not floats: trailing zeros and all.
        self.assertIn("108420.700000000000", self.text("#twaps"))
        self.assertIn(f"wallet {ALICE}", self.text("#list-message"))
        self.screenshot("list.png")

    def wait_for_page(self, number):
        self.wait_until(
            lambda: self.driver.find_element(By.ID, "results").get_attribute("data-state") == "ready"
            and self.text("#page-label").split(" ")[:2] == ["Page", str(number)],
            f"page {number}")

    def test_pages_follow_the_api_cursor(self):
        _, everything = api_json("/api/v1/twaps", {"wallet": ALICE, **API_RANGE, "limit": 5000})
        expected = [t["twap_id"] for t in everything["twaps"]]
        self.assertGreater(len(expected), 4)
        self.open_list(limit=2)
        seen, number = [], 1
        while True:
            self.wait_for_page(number)
            ids = self.row_ids()
            self.assertEqual(len(ids), min(2, len(expected) - len(seen)))
            seen += ids
            next_button = self.driver.find_element(By.ID, "next-page")
            if not next_button.is_enabled():
                break
            self.assertLess(number, 10, "the pages do not end")
            next_button.click()
            number += 1
        self.assertEqual(seen, expected)
        self.assertEqual(number, (len(expected) + 1) // 2)
        self.assertIn("(last)", self.text("#page-label"))
        # "Next page" is now disabled: the keyboard's focus moved to "Previous page".
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("id"), "prev-page")
        # Back one page: the same TWAPs as before.
        self.driver.find_element(By.ID, "prev-page").click()
        self.wait_for_page(number - 1)
        self.assertEqual(self.row_ids(), expected[2 * (number - 2):2 * (number - 1)])

    def test_asset_goes_to_the_api_and_status_filters_the_page(self):
        self.open_list(asset="BTC")
        self.assertEqual(self.row_ids(), ["568722"])
        self.open_list()
        everything = self.row_ids()
        Select(self.driver.find_element(By.ID, "status")).select_by_value("finished")
        self.wait_until(lambda: "have status finished" in self.text("#list-message"), "the filter")
        finished = self.row_ids()
        self.assertTrue(0 < len(finished) < len(everything), finished)
        for row in self.driver.find_elements(By.CSS_SELECTOR, "#twaps tbody tr"):
            self.assertEqual(self.cells(row)[4], "finished")
        self.assertIn("status=finished", self.driver.current_url)

    def test_an_unknown_wallet_shows_an_empty_state(self):
        self.open("/", {"wallet": NOBODY, **RANGE})
        self.wait_for("#results[data-state=empty]")
        self.assertIn(f"No TWAPs of wallet {NOBODY}", self.text("#list-message"))
        self.assertEqual(self.row_ids(), [])
        self.assertFalse(self.driver.find_element(By.ID, "twaps").is_displayed())
        self.assertFalse(self.driver.find_element(By.CSS_SELECTOR, ".pager").is_displayed())

    def test_a_bad_date_shows_the_apis_message(self):
        for start, end in [("2025-13-45", "2025-11-04"), ("2025-11-04", "2025-11-01")]:
            status, body = api_json("/api/v1/twaps", {"wallet": ALICE, "start": start, "end": end})
            self.assertEqual(status, 422)
            self.open("/", {"wallet": ALICE, "start": start, "end": end})
            alert = self.wait_for("#list-error:not([hidden])")
            self.assertEqual(alert.get_attribute("role"), "alert")
            for issue in body["detail"]:
                self.assertIn(issue["msg"], alert.text)
            self.assertFalse(self.driver.find_element(By.ID, "results").is_displayed())

    def test_coverage_of_the_range_is_shown(self):
        status, coverage = api_json("/api/v1/coverage", API_RANGE)
        self.assertEqual(status, 200, coverage)
        self.open_list()
        body = self.wait_for("#coverage-body:not([data-state=loading])")
        self.assertEqual(body.get_attribute("data-state"), "ready", body.text)
        self.assertIn(f"Hours from {coverage['start']} through {coverage['end']}", body.text)
        self.assertEqual(len(coverage["datasets"]), 2)
        for dataset in coverage["datasets"]:
            shown = self.driver.find_element(
                By.CSS_SELECTOR, f"#coverage [data-dataset='{dataset['dataset']}']")
            verdict = shown.find_element(By.TAG_NAME, "h3").text
            shown.find_element(By.TAG_NAME, "summary").click()  # the details, by a user's click
            self.wait_until(lambda: shown.find_element(By.TAG_NAME, "dl").is_displayed(), "details")
            if dataset["complete"]:
                self.assertTrue(verdict.endswith(": complete"), verdict)
            else:
                self.assertIn(f"incomplete: {dataset['missing_hours']} hours missing", verdict)
                for missing in dataset["missing_ranges"]:
                    self.assertIn(f"{missing['start']} – {missing['end']} ({missing['hours']} h)",
                                  shown.text)
        # The sample is loaded from local files: said, with their keys.
        other = coverage["other_objects"]
        self.assertEqual(other["local_files"], 2)
        shown = self.driver.find_element(By.CSS_SELECTOR, "#coverage [data-dataset=other]").text
        self.assertIn(f"Other objects: {other['objects']}, of which 2 local files", shown)
        for key in other["keys"]:
            self.assertIn(key, shown)

    def test_totals_of_the_range_are_the_wallet_summary(self):
        status, summary = api_json(f"/api/v1/wallets/{ALICE}/summary", API_RANGE)
        self.assertEqual(status, 200, summary)
        self.open_list(limit=2)
        self.wait_for("#totals[data-state=ready]")
        text = self.text("#totals-text")
        self.assertIn(f"{summary['twaps']['count']} TWAPs: ", text)
        self.assertIn(f"{summary['fills']['count']} fills.", text)
        for fee in summary["fills"]["fees_by_token"]:
            self.assertIn(f"{fee['fee']} {fee['fee_token']}", text)
        for twaps in summary["twaps"]["by_asset"]:
            row = self.driver.find_element(By.CSS_SELECTOR, f"#totals-table tr[data-asset='{twaps['asset']}']")
            cells = self.cells(row)
            self.assertEqual(cells[:5], [twaps["asset"], str(twaps["count"]), twaps["size_requested"],
                                         twaps["size_executed"], twaps["notional_executed"]])
        for fills in summary["fills"]["by_asset"]:
            row = self.driver.find_element(By.CSS_SELECTOR, f"#totals-table tr[data-asset='{fills['asset']}']")
            self.assertEqual(self.cells(row)[5:], [str(fills["count"]), fills["size"], fills["notional"],
                                                   fills["closed_pnl"]])

    def export(self, format_, market=""):
        """Clicks a format's button and waits for the page to say how it went."""
        Select(self.driver.find_element(By.ID, "export-market")).select_by_value(market)
        self.driver.execute_script(
            "document.getElementById('export-message').removeAttribute('data-state')")
        self.driver.find_element(By.CSS_SELECTOR, f"#export button[data-format={format_}]").click()
        return self.wait_for("#export-message[data-state]")

    def assert_downloaded(self, headers, expected):
        disposition = headers.get("Content-Disposition", "")
        self.assertIn("attachment", disposition)
        name = disposition.split("filename=", 1)[1].strip('"; ')
        path = os.path.join(self.downloads, name)
        self.wait_until(lambda: os.path.exists(path) and os.path.getsize(path) == len(expected),
                        f"the download of {name}")
        with open(path, "rb") as saved:
            self.assertEqual(saved.read(), expected)

    def test_export_downloads_what_the_api_sends(self):
        self.open_list()
        for format_ in ("csv", "koinly"):
            status, headers, expected = api(
                "/api/v1/export", {"wallet": ALICE, **API_RANGE, "format": format_})
            self.assertEqual(status, 200, expected[:500])
            message = self.export(format_)
            self.assertEqual(message.get_attribute("data-state"), "done", message.text)
            self.assert_downloaded(headers, expected)

    def test_awaken_asks_for_a_market_when_the_wallet_traded_both(self):
        params = {"wallet": DAVE, **API_RANGE, "format": "awaken"}
        status, _, refusal = api("/api/v1/export", params)
        self.open("/", {"wallet": DAVE, **RANGE})
        self.wait_for("#results[data-state=ready]")
        self.assertEqual(status, 422, refusal[:500])
        message = self.export("awaken")
        self.assertEqual(message.get_attribute("data-state"), "error")
        for issue in json.loads(refusal)["detail"]:
            self.assertIn(issue["msg"], message.text)
        status, headers, expected = api("/api/v1/export", {**params, "market": "spot"})
        self.assertEqual(status, 200, expected[:500])
        message = self.export("awaken", market="spot")
        self.assertEqual(message.get_attribute("data-state"), "done", message.text)
        self.assert_downloaded(headers, expected)

    # One TWAP ---------------------------------------------------------------------------------

    def test_twap_page_charts_and_lists_every_fill(self):
        status, twap = api_json("/api/v1/twaps/568722")
        self.assertEqual(status, 200)
        _, fills = api_json("/api/v1/twaps/568722/fills", {"limit": 5000})
        self.assertGreaterEqual(len(fills["fills"]), 3)
        # From the list, by its link; fills two at a time, so every page must be followed.
        self.open_list()
        self.driver.find_element(By.CSS_SELECTOR, "#twaps a[href$='/twap/568722']").click()
        self.wait_for("#twap-view[data-state=ready]")
        self.assertTrue(self.driver.current_url.endswith("/twap/568722"))
        self.open("/twap/568722", {"limit": 2})
        self.wait_for("#twap-view[data-state=ready]")

        rows = self.driver.find_elements(By.CSS_SELECTOR, "#fills tbody tr")
        self.assertEqual(len(rows), len(fills["fills"]))
        for fill, row in zip(fills["fills"], rows):
            cells = self.cells(row)
            self.assertEqual((cells[0], cells[3], cells[4], cells[9]),
                             (fill["time"], fill["px"], fill["sz"], fill["tid"]))
        self.assertEqual(self.cells(rows[-1])[5], twap["fills_summary"]["size"])
        timeline = self.driver.find_elements(By.CSS_SELECTOR, "#timeline li")
        self.assertEqual(len(timeline), len(twap["rows"]))
        for item, row in zip(timeline, twap["rows"]):
            self.assertIn(row["ts"], item.text)
            self.assertIn(row["status"], item.text)
        self.assertIn(twap["fills_summary"]["avg_px"], self.text("#twap-facts"))

        for chart in ("#price-chart", "#size-chart"):
            painted = self.driver.execute_script(
                """const canvas = document.querySelector(arguments[0] + ' canvas');
                   if (!canvas || canvas.width === 0 || canvas.height === 0) return -1;
                   const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                   let painted = 0;
                   for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ++painted;
                   return painted;""", chart)
            self.assertGreater(painted, 500, f"{chart}: the canvas is missing or blank")
        legend = self.text("#price-chart .u-legend")
        self.assertIn(twap["fills_summary"]["avg_px"], legend)
        self.screenshot("twap.png")

    def test_an_unknown_twap_shows_the_apis_message(self):
        self.open("/twap/1")
        alert = self.wait_for("#twap-error:not([hidden])")
        _, body = api_json("/api/v1/twaps/1/fills")
        self.assertEqual(alert.text, body["detail"])

    # Keyboard, small screens, other pages ------------------------------------------------------

    def test_the_keyboard_reaches_and_submits_the_form(self):
        self.open("/")
        self.wait_for("#list-message:not(:empty)")
        keys = lambda: ActionChains(self.driver)
        active = lambda: self.driver.switch_to.active_element.get_attribute("id")
        for _ in range(10):
            if active() == "wallet":
                break
            keys().send_keys(Keys.TAB).perform()
        self.assertEqual(active(), "wallet")
        focused = self.driver.switch_to.active_element
        self.assertNotEqual(focused.value_of_css_property("outline-style"), "none")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "label[for=wallet]").text, "Wallet")
        keys().send_keys(ALICE).perform()
        for field in ("start", "end"):
            keys().send_keys(Keys.TAB).perform()
            self.assertEqual(active(), field)
            keys().key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
            keys().send_keys(RANGE[field]).perform()
        keys().send_keys(Keys.ENTER).perform()
        self.wait_for("#results[data-state=ready]")
        self.assertIn("568722", self.row_ids())

    def test_a_360_px_screen_has_no_horizontal_overflow(self):
        self.narrow()
        self.open_list()
        self.assert_no_horizontal_overflow()
        self.screenshot("list-360.png")
        self.open("/twap/568722")
        self.wait_for("#twap-view[data-state=ready]")
        self.wait_for("#size-chart canvas")
        self.assert_no_horizontal_overflow()
        self.screenshot("twap-360.png")

    def test_pages_forbid_inline_code_and_docs_keep_working(self):
        for path in ("/", "/twap/568722"):
            status, headers, body = api(path)
            self.assertEqual(status, 200)
            self.assertEqual(headers.get("Content-Security-Policy"), CSP, path)
            self.assertNotIn(b"<script>", body)
            self.assertNotIn(b"<style", body)
        status, headers, _ = api("/docs")
        self.assertEqual(status, 200)
        self.assertIn("script-src 'self'", headers.get("Content-Security-Policy", ""))
        self.open("/docs")
        # Swagger UI rendered the API's operations under its own policy.
        self.wait_for("#operations-twaps-list_twaps")
        self.assertIn("/api/v1/twaps", self.text("#swagger-ui"))


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    ARGS, rest = parser.parse_known_args()
    ARGS.base = ARGS.base.rstrip("/")
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()

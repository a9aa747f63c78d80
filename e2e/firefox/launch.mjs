// launch starts Debian's firefox-esr (at path firefox) headless, driven over
// WebDriver BiDi by puppeteer-core, with a fresh profile and no proxy: the
// start both Firefox flows share.
import puppeteer from 'puppeteer-core';

export function launch(firefox) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefox,
    headless: true,
    extraPrefsFirefox: { 'browser.shell.checkDefaultBrowser': false, 'network.proxy.type': 0 },
  });
}

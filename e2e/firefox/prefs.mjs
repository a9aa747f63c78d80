// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core) through
// doui's preferences: open them from the banner (the loader answers; the
// engine starts after that click), then switch the dialog's language to
// English (its file, lang.en.<hash>.js, brings the switch) and back to
// Japanese (carried by doui.js). It prints what the dialog showed at each
// step; e2e/firefox_test.go checks it.
// Usage: node prefs.mjs FIREFOX URL
import { launch } from './launch.mjs';

const [firefox, url] = process.argv.slice(2);
const browser = await launch(firefox);
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__doui && window.__doui.root, { timeout: 30000 });
  const state = () => page.evaluate(() => {
    const d = document.querySelector('[data-doui="preferences"]');
    return {
      open: d.open, lang: d.lang, title: d.querySelector('h2').textContent,
      focus: document.activeElement.getAttribute('data-doui-category') || document.activeElement.getAttribute('data-doui-lang') || document.activeElement.tagName,
    };
  });
  const steps = [];
  await page.click('[data-doui="banner"] [data-doui-action="preferences"]');
  steps.push(await state());
  for (const lang of ['en', 'ja']) {
    await page.click(`[data-doui-action="lang"][data-doui-lang="${lang}"]`);
    await page.waitForFunction((l) => document.querySelector('[data-doui="preferences"]').lang === l, { timeout: 30000 }, lang);
    steps.push(await state());
  }
  console.log(JSON.stringify({ ok: true, steps }));
} finally {
  await browser.close();
}

// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core) through
// one flow of doui on the page at URL: accept all, wait until the held
// frame has loaded, withdraw (doui reloads the page), wait for the engine
// on the reloaded page. e2e/firefox_test.go counts what the page requested
// meanwhile. With "ready" after URL, the engine is started and awaited
// before the click (the click then takes the engine's armed path, not the
// loader's record). Usage: node withdraw.mjs FIREFOX URL [ready]
import { launch } from './launch.mjs';

const [firefox, url, mode] = process.argv.slice(2);
const browser = await launch(firefox);
try {
  const page = await browser.newPage();
  const ready = () => page.waitForFunction(() => window.doui && window.doui.ready === true, { timeout: 30000 });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__doui && window.__doui.root, { timeout: 30000 });
  if (mode === 'ready') {
    await page.evaluate(() => { window.doui.push(function () {}); });
    await ready();
  }
  await page.click('[data-doui="banner"] [data-doui-action="accept-all"]');
  await ready();
  await page.waitForFunction(() => {
    const f = document.querySelector('iframe[data-consent="media"]');
    return f && f.getAttribute('src') && f.contentDocument === null || (f && f.contentWindow && f.getAttribute('src'));
  }, { timeout: 30000 });
  await new Promise((r) => setTimeout(r, 1000));
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: 30000 }),
    page.evaluate(() => window.doui.withdraw()),
  ]);
  await ready();
  await new Promise((r) => setTimeout(r, 1500));
  const held = await page.evaluate(() => {
    const f = document.querySelector('iframe[data-consent="media"]');
    return { src: f.getAttribute('src'), dataSrc: f.getAttribute('data-src') };
  });
  console.log(JSON.stringify({ ok: true, held }));
} finally {
  await browser.close();
}

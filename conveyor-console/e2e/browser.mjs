// The browsers the console is tested in, both Debian's, driven by playwright-core (no browser download):
// - chromium (default): Debian's Chromium over CDP, with the flags this machine needs (no background networking,
//   which a closed network refuses), a fresh profile per run;
// - firefox (CONVEYOR_BROWSER=firefox): Debian's Firefox ESR over WebDriver BiDi, playwright-core's `moz-firefox`
//   channel (a stock Firefox; Playwright's own patched Firefox is a download from its CDN, not available here).
import { chromium, firefox } from 'playwright-core';

export const browserName = process.env.CONVEYOR_BROWSER ?? 'chromium';

export async function launch() {
  if (browserName === 'firefox') {
    return firefox.launch({
      channel: 'moz-firefox',
      executablePath: process.env.CONVEYOR_FIREFOX ?? '/usr/bin/firefox-esr',
      headless: true,
      firefoxUserPrefs: {
        // Nothing phones home on a closed network (updates, telemetry, captive portal, remote settings).
        'app.update.enabled': false,
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.enabled': false,
        'browser.safebrowsing.update.enabled': false,
        'extensions.update.enabled': false,
      },
    });
  }
  if (browserName !== 'chromium') throw new Error(`CONVEYOR_BROWSER=${browserName}: chromium or firefox`);
  return chromium.launch({
    executablePath: process.env.CONVEYOR_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

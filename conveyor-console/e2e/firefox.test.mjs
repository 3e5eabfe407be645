// The console in Firefox: Debian's Firefox ESR (CONVEYOR_FIREFOX, default /usr/bin/firefox-esr) driven by
// puppeteer-core over WebDriver BiDi, against the server conveyor-e2e's ConsoleBrowserTest starts (CONVEYOR_ENDPOINT,
// with the demo pipeline). Playwright drives a stock Firefox only through BiDi commands that Firefox ESR does not
// have yet (its `moz-firefox` channel fails on emulation.setMediaFeaturesOverride), and its patched Firefox is a
// download from its CDN: Puppeteer's BiDi client works with the ESR. The scenarios cover each kind of page and
// interaction the Chromium run covers in full (console.test.mjs): sign in, live updates from the event stream, the
// execution and log views, the editor (add a stage, wire its input, keyboard moves, save as a new version, a server
// validation error on its node), and no error in the browser's console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { call, credentials, endpoint, latestExecution, until } from './api.mjs';

let browser;
let page;
const pageErrors = [];
const go = (path) => page.goto(endpoint + '/console' + path);
// CSS and exact text: Puppeteer's ARIA queries do not find labelled inputs over BiDi in Firefox ESR.
const byText = async (selector, text) => (await page.waitForFunction((sel, t) =>
  [...document.querySelectorAll(sel)].find((e) => e.textContent.trim() === t), {}, selector, text)).asElement();
const click = async (selector, text) => (await byText(selector, text)).click();
const statusOf = (testId) => page.$eval(`[data-testid="${testId}"]`, (e) => e.dataset.status);
const jsonView = () => page.$eval('[data-testid=pipeline-json]', (e) => JSON.parse(e.value));

describe('console in Firefox', { concurrency: 1 }, () => {
  before(async () => {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.CONVEYOR_FIREFOX ?? '/usr/bin/firefox-esr',
      headless: true,
      // Nothing phones home on a closed network (updates, telemetry, captive portal, remote settings).
      extraPrefsFirefox: {
        'app.update.enabled': false,
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        'toolkit.telemetry.enabled': false,
        'browser.safebrowsing.update.enabled': false,
        'extensions.update.enabled': false,
      },
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource|NetworkError/.test(m.text())) pageErrors.push(m.text()); });
  });

  after(async () => {
    await browser?.close();
  });

  test('signs in with an access key kept in the session only', async () => {
    await page.goto(endpoint + '/');
    assert.equal(new URL(page.url()).pathname, '/console/');
    await page.locator('input[name=accessKeyId]').fill(credentials.accessKeyId);
    await page.locator('input[name=secretAccessKey]').fill(credentials.secretAccessKey);
    await click('button', 'Sign in');
    await byText('a', 'conveyor-demo');
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('conveyor.credentials'), local: localStorage.length, cookies: document.cookie }));
    assert.match(stored.session, /"accessKeyId"/);
    assert.deepEqual([stored.local, stored.cookies], [0, '']);
  });

  test('an execution of the demo pipeline goes green live, through the event stream', async () => {
    await until('the first demo execution to settle', async () => !['InProgress', 'Stopping'].includes((await latestExecution('conveyor-demo'))?.status));
    await go('/pipelines/conveyor-demo');
    await page.waitForSelector('[data-testid=pipeline-graph][data-laid-out=true]');
    await page.waitForFunction(() => window.conveyorLive?.transport === 'stream');
    const before = await page.evaluate(() => ({ ...window.conveyorLive }));
    const previous = (await latestExecution('conveyor-demo')).pipelineExecutionId;
    await click('button', 'Release change');
    await click('dialog button', 'Release');
    const started = await until('the release to start', async () => {
      const e = await latestExecution('conveyor-demo');
      return e?.pipelineExecutionId !== previous ? e : null;
    });
    await byText('a', started.pipelineExecutionId.slice(0, 8));
    await page.waitForSelector('[data-testid=latest-status][data-status=Succeeded]', { timeout: 120_000 });
    for (const stage of ['Source', 'Build', 'Test', 'Deploy']) assert.equal(await statusOf(`stage-status-${stage}`), 'Succeeded', stage);
    const live = await page.evaluate(() => ({ ...window.conveyorLive }));
    assert.ok(live.streamEvents - before.streamEvents >= 8, JSON.stringify([before, live]));
    assert.equal(live.polls, before.polls, 'no polling while the stream is up');
    assert.equal(live.streamOpens, before.streamOpens, 'one stream, open all along');

    // The execution: its timeline, and a log followed to its end.
    await click('a', started.pipelineExecutionId.slice(0, 8));
    await page.waitForSelector('[data-testid=execution-status][data-status=Succeeded]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=timeline-action]').length >= 4);
    await page.locator('[data-testid=timeline-action] a').click();
    await page.waitForFunction(() => /complete/.test(document.querySelector('[data-testid=log-state]')?.textContent ?? ''));
    assert.ok(await page.$eval('.log', (e) => e.textContent.length > 0), 'the log has lines');
  });

  test('the editor adds a stage wired to an artifact, moves an action with the keyboard, and saves a new version', async () => {
    const version = (await call('GetPipeline', { name: 'conveyor-demo' })).pipeline.version;
    await go('/pipelines/conveyor-demo/edit');
    await page.waitForSelector('[data-testid=pipeline-graph][data-laid-out=true]');
    assert.deepEqual(await jsonView(), (await call('GetPipeline', { name: 'conveyor-demo' })).pipeline, 'the JSON view is the saved declaration');
    await click('button', 'Add stage');
    await page.locator('form[aria-label="Action Commands"] textarea[name=commands]').fill('test -f dist/greet.sh');
    await page.locator('form[aria-label="Action Commands"] input[name="input-BuildOutput"]').click();
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid=pipeline-json]').value).stages[4]?.actions[0].inputArtifacts?.[0]?.name === 'BuildOutput');
    const stageName = (await jsonView()).stages[4].name;
    // Alt+Shift+↓ on the new action: a later runOrder group, said aloud; Alt+Shift+↑ back.
    await page.focus(`[aria-label="Edit action Commands of stage ${stageName}"]`);
    for (const [key, runOrder] of [['ArrowDown', 2], ['ArrowUp', 1]]) {
      await page.keyboard.down('Alt');
      await page.keyboard.down('Shift');
      await page.keyboard.press(key);
      await page.keyboard.up('Shift');
      await page.keyboard.up('Alt');
      await page.waitForFunction((r) => JSON.parse(document.querySelector('[data-testid=pipeline-json]').value).stages[4].actions[0].runOrder === r, {}, runOrder);
      assert.match(await page.$eval('[data-testid=move-announcement]', (e) => e.textContent), new RegExp(`run order ${runOrder}`));
    }
    await click('button', 'Review and save');
    await page.waitForSelector('[data-testid=diff]');
    assert.match(await page.$eval('[data-testid=diff]', (e) => e.textContent), new RegExp(`"name": "${stageName}"`));
    await click('button', 'Save (UpdatePipeline)');
    await page.waitForFunction((v) => document.querySelector('[data-testid=saved]')?.textContent.includes(`version ${v}`), {}, version + 1);
    const saved = (await call('GetPipeline', { name: 'conveyor-demo' })).pipeline;
    assert.equal(saved.version, version + 1);
    assert.deepEqual(saved.stages[4].actions[0].inputArtifacts, [{ name: 'BuildOutput' }]);
  });

  test('a validation error from the server shows on the node it points at', async () => {
    await page.locator('[aria-label="Edit action Build of stage Build"]').click();
    await page.locator('form[aria-label="Action Build"] input[name=action-name]').fill('Build it!');
    await click('button', 'Review and save');
    await click('button', 'Save (UpdatePipeline)');
    await page.waitForSelector('[data-testid=server-error]');
    const node = await page.waitForSelector('[data-testid="action-Build-Build it!"] .node-error');
    assert.match(await node.evaluate((e) => e.textContent), /ValidationException.*stages\[1\]\.actions\[0\]\.name/s);
    assert.equal(await page.$$eval('[data-testid=action-Source-Source] .node-error', (els) => els.length), 0, 'no other node is blamed');
  });

  test('no page error was reported by the browser', () => {
    assert.deepEqual(pageErrors, []);
  });
});

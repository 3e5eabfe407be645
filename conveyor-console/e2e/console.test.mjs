// The console in a real browser (Debian's Chromium through playwright-core) against a real Conveyor server started
// by conveyor-e2e's ConsoleBrowserTest (CONVEYOR_ENDPOINT; the server runs the demo pipeline). One browser, one
// signed-in page, the scenarios in order. Optional: CONVEYOR_SCREENSHOTS=<dir> saves 1440×900 screenshots of the
// main views; CONVEYOR_BENCH_OUT=<file> writes the measured first paint / time to interactive as JSON;
// CONVEYOR_BENCH_PIPELINES=<n> sets how many pipelines the list measurement creates (default 10000).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync, mkdtempSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { launch } from './browser.mjs';
import { call, callCodeBuild, callCodeDeploy, commandsStage, credentials, endpoint, latestExecution, pipeline, until } from './api.mjs';

const shots = process.env.CONVEYOR_SCREENSHOTS;
const benchOut = process.env.CONVEYOR_BENCH_OUT;
const benchPipelines = Number(process.env.CONVEYOR_BENCH_PIPELINES ?? 10000);
// Files the scenarios share with their jobs: a directory the server lets jobs write (--job-writable-dir), as jobs run
// sandboxed with a private /tmp; CONVEYOR_SHARED_DIR names it.
const scratch = process.env.CONVEYOR_SHARED_DIR ?? mkdtempSync(join(tmpdir(), 'conveyor-console-'));
const results = {};
let browser;
let page;
const pageErrors = [];

async function screenshot(name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

const go = (path) => page.goto(endpoint + '/console' + path);
const status = (testId) => page.getByTestId(testId).getAttribute('data-status');

describe('console', { concurrency: 1 }, () => {
  before(async () => {
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text()); });
  });

  after(async () => {
    await browser?.close();
    if (benchOut) writeFileSync(benchOut, JSON.stringify(results, null, 2));
  });

  test('a browser at / is sent to the console and signs in with an access key kept in the session only', async () => {
    await page.goto(endpoint + '/');
    assert.equal(new URL(page.url()).pathname, '/console/');
    // A wrong secret: the server refuses the signature, nothing is kept.
    await page.getByLabel('Access key ID').fill(credentials.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Signature|Unrecognized|denied|Invalid/i);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.getByLabel('Secret access key').fill(credentials.secretAccessKey);
    await screenshot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'conveyor-demo', exact: true }).waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('conveyor.credentials'), local: localStorage.length, cookies: document.cookie }));
    assert.match(stored.session, /AKID|"accessKeyId"/);
    assert.equal(stored.local, 0);
    assert.equal(stored.cookies, '');
  });

  test('an execution of the demo pipeline goes green live', async () => {
    await until('the first demo execution to settle', async () => (await latestExecution('conveyor-demo'))?.status === 'Succeeded');
    await go('/pipelines/conveyor-demo');
    await page.getByTestId('pipeline-graph').and(page.locator('[data-laid-out=true]')).waitFor();
    const before = (await latestExecution('conveyor-demo')).pipelineExecutionId;
    await page.waitForFunction(() => window.conveyorLive?.transport === 'stream');
    const liveBefore = await page.evaluate(() => ({ ...window.conveyorLive }));
    await page.getByRole('button', { name: 'Release change' }).click();
    await page.getByLabel(/^GREETING/).fill('Bonjour');
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    // Live: the page shows the new execution running, then every stage green, without a reload.
    await page.locator('[data-testid=latest-status][data-status=InProgress]').waitFor();
    const started = await latestExecution('conveyor-demo');
    assert.notEqual(started.pipelineExecutionId, before);
    // A later stage running, or already the end: on a loaded machine one poll can take longer than a demo stage runs,
    // so seeing a stage InProgress is not a given (waiting for it alone made this scenario flaky).
    await page.locator('[data-testid=stage-status-Build][data-status=InProgress], [data-testid=stage-status-Test][data-status=InProgress], [data-testid=stage-status-Deploy][data-status=InProgress], [data-testid=latest-status][data-status=Succeeded]').first().waitFor({ timeout: 90_000 });
    await page.locator('[data-testid=latest-status][data-status=Succeeded]').waitFor({ timeout: 120_000 });
    for (const stage of ['Source', 'Build', 'Test', 'Deploy']) assert.equal(await status(`stage-status-${stage}`), 'Succeeded', stage);
    // The updates came from the event stream: events arrived, the page never polled, the stream never dropped.
    const liveAfter = await page.evaluate(() => ({ ...window.conveyorLive }));
    assert.ok(liveAfter.streamEvents - liveBefore.streamEvents >= 8, `stream events: ${JSON.stringify([liveBefore, liveAfter])}`);
    assert.equal(liveAfter.polls, liveBefore.polls, 'no polling while the stream is up');
    assert.equal(liveAfter.streamOpens, liveBefore.streamOpens, 'one stream, open all along');
    assert.equal(liveAfter.transport, 'stream');
    const detail = await call('GetPipelineExecution', { pipelineName: 'conveyor-demo', pipelineExecutionId: started.pipelineExecutionId });
    assert.ok(detail.pipelineExecution.variables.some((v) => v.name === 'GREETING' && v.resolvedValue === 'Bonjour'), 'the variable override reached the execution');
    await screenshot('pipeline-view');
    await page.getByRole('link', { name: started.pipelineExecutionId.slice(0, 8) }).click();
    await page.locator('[data-testid=execution-status][data-status=Succeeded]').waitFor();
    await page.getByTestId('timeline-action').nth(3).waitFor();
    await page.getByText('Bonjour', { exact: true }).waitFor();
    // Artifact downloads are presigned URLs of the server's S3 endpoint, signed in the browser.
    const download = page.locator('a[download][href*="X-Amz-Signature"]').first();
    await download.waitFor();
    const artifact = await page.request.get(await download.getAttribute('href'));
    assert.equal(artifact.status(), 200, await artifact.text());
    assert.equal((await artifact.body()).subarray(0, 2).toString(), 'PK', 'a zip');
    await screenshot('execution-detail');
  });

  test('while the event stream is refused the pipeline view polls, and it goes back to the stream when it can', async () => {
    const flag = join(scratch, 'fallback-go');
    await page.route('**/conveyor/v1/events/**', (route) => route.fulfill({ status: 503, contentType: 'text/plain', body: 'refused by the test' }));
    try {
      await call('CreatePipeline', { pipeline: pipeline('console-fallback', [commandsStage('Build', [`while [ ! -f '${flag}' ]; do sleep 0.2; done`, 'echo built'])]) });
      await go('/pipelines/console-fallback');
      await page.locator('[data-testid=stage-status-Build][data-status=InProgress]').waitFor({ timeout: 90_000 });
      await page.waitForFunction(() => window.conveyorLive?.transport === 'polling');
      writeFileSync(flag, 'go');
      await page.locator('[data-testid=latest-status][data-status=Succeeded]').waitFor({ timeout: 90_000 });
      const polled = await page.evaluate(() => ({ ...window.conveyorLive }));
      assert.ok(polled.polls > 0, JSON.stringify(polled));
      assert.equal(polled.streamOpens, 0);
    } finally {
      await page.unroute('**/conveyor/v1/events/**');
    }
    // The stream is back (the view reconnects by itself): the next execution shows through it, with no more polling.
    await page.waitForFunction(() => window.conveyorLive?.transport === 'stream', null, { timeout: 60_000 });
    const streaming = await page.evaluate(() => ({ ...window.conveyorLive }));
    const { pipelineExecutionId } = await call('StartPipelineExecution', { name: 'console-fallback' });
    await page.getByRole('link', { name: pipelineExecutionId.slice(0, 8) }).first().waitFor();
    await page.locator('[data-testid=latest-status][data-status=Succeeded]').waitFor({ timeout: 90_000 });
    assert.equal((await latestExecution('console-fallback')).pipelineExecutionId, pipelineExecutionId);
    const after = await page.evaluate(() => ({ ...window.conveyorLive }));
    assert.ok(after.streamEvents > streaming.streamEvents, JSON.stringify([streaming, after]));
    assert.equal(after.polls, streaming.polls, 'no polling once the stream is back');
  });

  test("a failing action's log shows the error line", async () => {
    await call('CreatePipeline', { pipeline: pipeline('console-failing', [commandsStage('Build', [
      'echo "compiling widgets"', 'printf "\\033[32mok\\033[0m 3 widgets\\n"', 'echo "ERROR: widget 4 does not compile" >&2', 'exit 3']), commandsStage('Ship', ['echo never'])]) });
    await go('/pipelines/console-failing');
    await page.locator('[data-testid=stage-status-Build][data-status=Failed]').waitFor({ timeout: 90_000 });
    await page.getByTestId('action-Build-Build').getByRole('link', { name: 'Logs' }).click();
    await page.locator('[data-testid=log-state]', { hasText: 'complete' }).waitFor();
    await page.getByRole('button', { name: 'Jump to first error' }).click();
    const first = page.locator('.log-line.first-error');
    assert.match(await first.innerText(), /^\d+\s*ERROR: widget 4 does not compile$/, 'the output line, not the echoed command');
    assert.equal(await first.evaluate((el) => el === document.activeElement), true, 'focus moved to the error line');
    assert.equal(await page.locator('.log .ansi-fg-32', { hasText: 'ok' }).count(), 1, 'ANSI green rendered');
    await page.getByLabel('Search the log').fill('widgets');
    const matches = await page.locator('.log-line.match').allInnerTexts();
    assert.ok(matches.length >= 2 && matches.every((l) => l.includes('widgets')), matches.join('\n'));
    await screenshot('logs');
  });

  test('a failed stage is retried from the console and succeeds', async () => {
    const flag = join(scratch, 'flaky-fixed');
    await call('CreatePipeline', { pipeline: pipeline('console-flaky', [commandsStage('Build', [`test -f '${flag}' || { echo "flag missing"; exit 1; }`, 'echo fixed'])]) });
    await go('/pipelines/console-flaky');
    await page.locator('[data-testid=stage-status-Build][data-status=Failed]').waitFor({ timeout: 90_000 });
    writeFileSync(flag, 'now it passes');
    await page.getByTestId('stage-Build').getByRole('button', { name: 'Retry failed' }).click();
    await page.locator('[data-testid=stage-status-Build][data-status=Succeeded]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid=latest-status][data-status=Succeeded]').waitFor();
    const actions = await call('ListActionExecutions', { pipelineName: 'console-flaky', filter: { pipelineExecutionId: (await latestExecution('console-flaky')).pipelineExecutionId } });
    assert.equal(actions.actionExecutionDetails.filter((a) => a.stageName === 'Build').length, 2, 'the Build action ran twice: failed, then retried');
  });

  test('a transition is disabled with a reason and enabled again; a running execution is stopped and abandoned', async () => {
    await call('CreatePipeline', { pipeline: pipeline('console-slow', [commandsStage('Build', ['echo building', 'sleep 120']), commandsStage('Ship', ['echo shipped'])]) });
    await go('/pipelines/console-slow');
    const ship = page.getByTestId('stage-Ship');
    await ship.getByRole('button', { name: 'Disable transition' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('Change freeze until Monday');
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await ship.getByText('Transition disabled: Change freeze until Monday').waitFor();
    const disabled = (await call('GetPipelineState', { name: 'console-slow' })).stageStates.find((st) => st.stageName === 'Ship').inboundTransitionState;
    assert.deepEqual([disabled.enabled, disabled.disabledReason], [false, 'Change freeze until Monday']);
    await ship.getByRole('button', { name: 'Enable transition' }).click();
    await ship.getByRole('button', { name: 'Disable transition' }).waitFor();
    assert.equal((await call('GetPipelineState', { name: 'console-slow' })).stageStates.find((st) => st.stageName === 'Ship').inboundTransitionState.enabled, true);

    await page.locator('[data-testid=stage-status-Build][data-status=InProgress]').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('dialog').getByLabel(/Stop and abandon/).check();
    await page.getByRole('dialog').getByLabel('Reason').fill('wrong branch');
    await page.getByRole('dialog').getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('[data-testid=latest-status][data-status=Stopped]').waitFor({ timeout: 90_000 });
    const stopped = await latestExecution('console-slow');
    assert.equal(stopped.status, 'Stopped');
    assert.match(JSON.stringify(stopped), /wrong branch/);
  });

  test('a waiting approval is approved from the inbox with a comment', async () => {
    await call('CreatePipeline', { pipeline: pipeline('console-gated', [
      { name: 'Gate', actions: [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 1,
        configuration: { CustomData: 'Ship release 2.4 to production?', ExternalEntityLink: 'https://example.com/release/2.4' } }] },
      commandsStage('Release', ['echo released']),
    ]) });
    await until('the approval to wait', async () => {
      const state = await call('GetPipelineState', { name: 'console-gated' });
      return state.stageStates.find((s) => s.stageName === 'Gate')?.actionStates?.[0]?.latestExecution?.status === 'InProgress';
    });
    await page.getByRole('link', { name: 'Approvals', exact: true }).click();
    const card = page.getByTestId('approval').filter({ hasText: 'console-gated' });
    await card.waitFor();
    assert.match(await card.innerText(), /Ship release 2\.4 to production\?/);
    await card.getByRole('textbox').fill('Looks good to me');
    await screenshot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await until('the gated execution to succeed', async () => (await latestExecution('console-gated'))?.status === 'Succeeded');
    const actions = await call('ListActionExecutions', { pipelineName: 'console-gated' });
    const approval = actions.actionExecutionDetails.find((a) => a.actionName === 'Approve');
    assert.equal(approval.status, 'Succeeded');
    assert.match(JSON.stringify(approval.output ?? {}), /Looks good to me/);
  });

  test("a CodeBuild action's test report shows its counts and failing cases in the execution view", async () => {
    const buildspec = [
      'version: 0.2',
      'phases:',
      '  build:',
      '    commands:',
      '      - mkdir -p reports',
      `      - printf '%s' '<testsuite name="unit"><testcase classname="Widget" name="counts" time="0.01"/><testcase classname="Widget" name="compiles" time="0.02"><failure message="expected 4 widgets, got 3">at Widget.compiles</failure></testcase></testsuite>' > reports/unit.xml`,
      'reports:',
      '  unit:',
      "    files: ['reports/*.xml']",
    ].join('\n');
    await callCodeBuild('CreateProject', { name: 'console-tests', serviceRole: 'arn:aws:iam::000000000000:role/cb', source: { type: 'CODEPIPELINE', buildspec },
      artifacts: { type: 'CODEPIPELINE' }, environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL' } });
    await call('CreatePipeline', { pipeline: pipeline('console-reports', [{ name: 'Test', actions: [{ name: 'UnitTests',
      actionTypeId: { category: 'Test', owner: 'AWS', provider: 'CodeBuild', version: '1' }, runOrder: 1, configuration: { ProjectName: 'console-tests' },
      inputArtifacts: [{ name: 'SourceOutput' }] }] }]) });
    const run = await until('the reports pipeline to settle', async () => {
      const e = await latestExecution('console-reports');
      return e && !['InProgress', 'Stopping'].includes(e.status) ? e : null;
    }, 120_000);
    await go(`/pipelines/console-reports/executions/${run.pipelineExecutionId}`);
    const reports = page.getByTestId('test-reports');
    await reports.waitFor();
    const text = await reports.innerText();
    assert.match(text, /2 total, 1 passed, 1 failed/);
    assert.match(text, /Widget\.compiles|compiles/);
    assert.match(text, /expected 4 widgets, got 3/);
    assert.doesNotMatch(text, /Widget\.counts/, 'only failing cases are listed');
    await reports.scrollIntoViewIfNeeded();
    await screenshot('test-reports');
  });

  test("a CodeDeploy action's deployment shows its target and lifecycle events in the execution view", async () => {
    // The host: a `conveyor agent` registered as an on-premises instance (ConsoleBrowserTest passes its command line),
    // alive for this scenario only; the revision (appspec.yml and hooks that echo) is in the sources bucket.
    const command = JSON.parse(process.env.CONVEYOR_DEPLOY_AGENT ?? 'null');
    assert.ok(command, 'CONVEYOR_DEPLOY_AGENT: the command line of a deploy agent (set by ConsoleBrowserTest)');
    const log = openSync(join(scratch, 'deploy-agent.log'), 'a');
    const agent = spawn(command[0], command.slice(1), { stdio: ['ignore', log, log],
      env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } });
    const exited = new Promise((resolve) => agent.on('exit', resolve));
    try {
      const tags = [{ Key: 'app', Value: 'console', Type: 'KEY_AND_VALUE' }];
      await callCodeDeploy('CreateApplication', { applicationName: 'console-app', computePlatform: 'Server' });
      await until('the agent to register its host', async () => (await callCodeDeploy('ListOnPremisesInstances', { tagFilters: tags })).instanceNames?.length === 1);
      await callCodeDeploy('CreateDeploymentGroup', { applicationName: 'console-app', deploymentGroupName: 'console-hosts', serviceRoleArn: 'arn:aws:iam::000000000000:role/CodeDeployRole',
        onPremisesInstanceTagFilters: tags, deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
        deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' } });
      const declaration = pipeline('console-deploy', [{ name: 'Deploy', actions: [{ name: 'ToHosts',
        actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CodeDeploy', version: '1' }, runOrder: 1,
        configuration: { ApplicationName: 'console-app', DeploymentGroupName: 'console-hosts' }, inputArtifacts: [{ name: 'SourceOutput' }] }] }]);
      declaration.stages[0].actions[0].configuration.S3ObjectKey = process.env.CONVEYOR_DEPLOY_BUNDLE_KEY ?? 'console-deploy.zip';
      await call('CreatePipeline', { pipeline: declaration });
      const run = await until('the deploy pipeline to settle', async () => {
        const e = await latestExecution('console-deploy');
        return e && !['InProgress', 'Stopping'].includes(e.status) ? e : null;
      }, 180_000);
      assert.equal(run.status, 'Succeeded', JSON.stringify(run));
      await go(`/pipelines/console-deploy/executions/${run.pipelineExecutionId}`);
      const deployment = page.getByTestId('deployment');
      await deployment.waitFor();
      assert.match(await deployment.locator('h3').innerText(), /Deploy \/ ToHosts\s+d-[A-Z0-9]+/);
      const target = deployment.locator('[data-testid=deployment-target][data-target=console-host]');
      await target.waitFor();
      assert.equal(await target.getByTestId('target-status-console-host').getAttribute('data-status'), 'Succeeded');
      const events = await target.getByTestId('lifecycle-event').evaluateAll((els) => els.map((e) => [e.dataset.event, e.dataset.status]));
      const byName = Object.fromEntries(events);
      for (const hook of ['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService']) assert.equal(byName[hook], 'Succeeded', JSON.stringify(events));
      // In order as CodeDeploy runs them, each ran one with its duration shown.
      const names = events.map(([n]) => n);
      assert.ok(names.indexOf('BeforeInstall') < names.indexOf('ApplicationStart') && names.indexOf('ApplicationStart') < names.indexOf('ValidateService'), names.join(','));
      const validate = target.locator('[data-testid=lifecycle-event][data-event=ValidateService]');
      assert.match(await validate.locator('.event-duration').innerText(), /^\d+(\.\d)?s$|^\d+m \d+s$/);
      // What the page shows is what the API says.
      const actions = await call('ListActionExecutions', { pipelineName: 'console-deploy', filter: { pipelineExecutionId: run.pipelineExecutionId } });
      const deployAction = actions.actionExecutionDetails.find((a) => a.actionName === 'ToHosts');
      const api = await call('ListDeployActionExecutionTargets', { pipelineName: 'console-deploy', actionExecutionId: deployAction.actionExecutionId });
      assert.deepEqual(api.targets.map((t) => [t.targetId, t.status]), [['console-host', 'Succeeded']]);
      assert.deepEqual(api.targets[0].events.map((e) => [e.name, e.status]), events);
      await deployment.scrollIntoViewIfNeeded();
      await screenshot('deployment');
    } finally {
      agent.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (agent.exitCode === null) agent.kill('SIGKILL');
    }
  });

  test('a rollback started from the console runs, and the execution list shows it as a rollback of the chosen target', async () => {
    const deployed = join(scratch, 'deployed-version');
    const hold = join(scratch, 'hold-deploy');
    await call('CreatePipeline', { pipeline: pipeline('console-rollback', [commandsStage('Deploy', [
      `echo "#{variables.VERSION}" > '${deployed}'`, `while [ -f '${hold}' ]; do sleep 0.2; done`, 'echo deployed'])], { variables: [{ name: 'VERSION', defaultValue: '1' }] }) });
    const settled = (id) => until(`execution ${id} to succeed`, async () =>
      (await call('GetPipelineExecution', { pipelineName: 'console-rollback', pipelineExecutionId: id })).pipelineExecution.status === 'Succeeded');
    const first = (await until('the first execution', () => latestExecution('console-rollback'))).pipelineExecutionId;
    await settled(first);
    const second = (await call('StartPipelineExecution', { name: 'console-rollback', variables: [{ name: 'VERSION', value: '2' }] })).pipelineExecutionId;
    await settled(second);
    assert.equal(readFileSync(deployed, 'utf8').trim(), '2');

    writeFileSync(hold, 'the rollback waits here until the refusal below is seen');
    await go('/pipelines/console-rollback');
    const deploy = page.getByTestId('stage-Deploy');
    assert.equal(await page.getByTestId('stage-Source').getByRole('button', { name: 'Start rollback' }).count(), 0, 'no rollback of a source stage');
    await deploy.getByRole('button', { name: 'Start rollback' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back Deploy' });
    const target = dialog.getByLabel('Target execution');
    await target.locator(`option[value="${second}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await target.locator('option').evaluateAll((os) => os.map((o) => o.value)), [second, first], 'the executions that succeeded in Deploy, newest first');
    await target.selectOption(first);
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: `Rollback of Deploy to ${first.slice(0, 8)} started` }).waitFor();
    await page.getByTestId('stage-rollback-Deploy').waitFor();
    await page.locator('[data-testid=stage-status-Deploy][data-status=InProgress]').waitFor();

    // A second rollback while the first runs in the stage: the server refuses, and the dialog says why.
    await deploy.getByRole('button', { name: 'Start rollback' }).click();
    await target.locator(`option[value="${first}"]`).waitFor({ state: 'attached' });
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    const refusal = dialog.getByTestId('rollback-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /^ConflictException: .+/);
    await screenshot('rollback-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    unlinkSync(hold);

    await page.locator('[data-testid=stage-status-Deploy][data-status=Succeeded]').waitFor({ timeout: 90_000 });
    const rollback = await latestExecution('console-rollback');
    assert.equal(rollback.executionType, 'ROLLBACK');
    assert.equal(rollback.rollbackMetadata.rollbackTargetPipelineExecutionId, first);
    await settled(rollback.pipelineExecutionId);
    assert.equal(readFileSync(deployed, 'utf8').trim(), '1', "the rollback deployed the target's variables");
    assert.equal((await call('ListPipelineExecutions', { pipelineName: 'console-rollback' })).pipelineExecutionSummaries.length, 3, 'the refused rollback started nothing');

    await page.getByRole('link', { name: 'History' }).click();
    const rows = page.getByTestId('execution-row');
    await rows.nth(2).waitFor();
    const types = await page.getByTestId('execution-type').allInnerTexts();
    assert.deepEqual(types.map((t) => t.trim()), [`Rollback to ${first.slice(0, 8)}`, 'standard', 'standard']);
    await screenshot('execution-history-rollback');
    await rows.first().getByRole('link', { name: first.slice(0, 8) }).click();
    await page.waitForURL(new RegExp(`/executions/${first}$`));
    await page.locator('[data-testid=execution-status][data-status=Succeeded]').waitFor();
  });

  test("a V2 pipeline's beforeEntry condition shows each rule's state, from GetPipelineState and ListRuleExecutions", async () => {
    const nextYear = new Date().getUTCFullYear() + 1;
    const rule = (name, provider, configuration) => ({ name, ruleTypeId: { category: 'Rule', owner: 'AWS', provider, version: '1' }, configuration });
    const deploy = commandsStage('Deploy', ['echo shipped']);
    deploy.beforeEntry = { conditions: [{ result: 'FAIL', rules: [
      rule('OnMain', 'VariableCheck', { Variable: '#{variables.BRANCH}', Operator: 'EQ', Value: 'main' }),
      rule('NewYear', 'DeploymentWindow', { Cron: `* 0 0 1 1 ? ${nextYear}`, TimeZone: 'Europe/Paris' }),
    ] }] };
    await call('CreatePipeline', { pipeline: pipeline('console-window', [deploy], { variables: [{ name: 'BRANCH', defaultValue: 'main' }] }) });
    await go('/pipelines/console-window');
    const stage = page.getByTestId('stage-Deploy');
    await page.locator('[data-testid=condition-status-Deploy-BEFORE_ENTRY][data-status=InProgress]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid=rule-status-Deploy-OnMain][data-status=Succeeded]').waitFor();
    await page.locator('[data-testid=rule-status-Deploy-NewYear][data-status=InProgress]').waitFor();
    const window = stage.getByTestId('rule-Deploy-NewYear');
    await window.getByText(/Waiting for the deployment window/).waitFor();
    assert.match(await window.innerText(), new RegExp(`DeploymentWindow[\\s\\S]*${nextYear}-01-01T00:00\\+01:00`), 'the provider (ListRuleExecutions) and the summary (GetPipelineState)');
    assert.match(await stage.getByTestId('rule-Deploy-OnMain').innerText(), /VariableCheck/);
    assert.equal(await status('stage-status-Deploy'), 'InProgress');
    assert.equal(await status('action-status-Deploy-Deploy'), 'None', 'no action runs while the entry condition waits');
    await screenshot('conditions');
  });

  test('overriding a waiting DeploymentWindow condition from the console lets the stage run', async () => {
    const stage = page.getByTestId('stage-Deploy');
    await stage.getByRole('button', { name: 'Override entry condition of Deploy' }).click();
    await page.locator('[data-testid=condition-status-Deploy-BEFORE_ENTRY][data-status=Overridden]').waitFor();
    await page.locator('[data-testid=stage-status-Deploy][data-status=Succeeded]').waitFor({ timeout: 90_000 });
    assert.equal(await status('action-status-Deploy-Deploy'), 'Succeeded');
    assert.equal(await status('rule-status-Deploy-NewYear'), 'Abandoned');
    assert.equal(await stage.getByRole('button', { name: /Override/ }).count(), 0, 'nothing left to override');
    const run = await latestExecution('console-window');
    assert.equal(run.status, 'Succeeded');
    // The execution's timeline holds its rules next to its actions.
    await go(`/pipelines/console-window/executions/${run.pipelineExecutionId}`);
    await page.getByTestId('timeline-rule').nth(1).waitFor();
    const rules = await page.getByTestId('timeline-rule').allInnerTexts();
    assert.ok(rules.some((r) => /Deploy \/ rule NewYear[\s\S]*DeploymentWindow[\s\S]*Abandoned/.test(r)), rules.join('\n'));
    assert.ok(rules.some((r) => /Deploy \/ rule OnMain[\s\S]*VariableCheck[\s\S]*Succeeded/.test(r)), rules.join('\n'));
    assert.equal(await page.getByTestId('timeline-action').count(), 2, 'Source and Deploy');
    await screenshot('execution-rules');
  });

  test('the demo pipeline is edited in the visual editor, saved as a new version and run', async () => {
    const version = (await call('GetPipeline', { name: 'conveyor-demo' })).pipeline.version;
    await go('/pipelines/conveyor-demo/edit');
    await page.getByTestId('pipeline-graph').and(page.locator('[data-laid-out=true]')).waitFor();
    const json = await page.getByTestId('pipeline-json').inputValue();
    assert.deepEqual(JSON.parse(json), (await call('GetPipeline', { name: 'conveyor-demo' })).pipeline, 'the JSON view is the saved declaration');
    await page.getByRole('button', { name: 'Add stage' }).click();
    const form = page.getByRole('form', { name: 'Action Commands' });
    await form.getByLabel('Commands (one per line)').fill('test -f dist/greet.sh\necho "Verified #{BuildVariables.APP_VERSION}"');
    await form.getByLabel('BuildOutput').check();
    await page.getByTestId('action-Stage1-Commands').waitFor();
    assert.match(await page.getByTestId('action-Stage1-Commands').innerText(), /BuildOutput/);
    const edited = JSON.parse(await page.getByTestId('pipeline-json').inputValue());
    assert.deepEqual(edited.stages[4].actions[0].inputArtifacts, [{ name: 'BuildOutput' }]);
    await screenshot('editor');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    assert.match(await diff.innerText(), /\+\s+"name": "Stage1"/);
    await screenshot('editor-diff');
    await page.getByRole('button', { name: /^Save/ }).click();
    await page.getByTestId('saved').filter({ hasText: `version ${version + 1}` }).waitFor();
    const saved = (await call('GetPipeline', { name: 'conveyor-demo' })).pipeline;
    assert.equal(saved.version, version + 1);
    assert.deepEqual(saved.stages.map((s) => s.name), ['Source', 'Build', 'Test', 'Deploy', 'Stage1']);
    await page.getByRole('button', { name: 'Release change now' }).click();
    await page.waitForURL(/\/console\/pipelines\/conveyor-demo$/);
    await page.locator('[data-testid=stage-status-Stage1][data-status=Succeeded]').waitFor({ timeout: 120_000 });
    const run = await latestExecution('conveyor-demo');
    assert.equal(run.status, 'Succeeded');
    const detail = await call('GetPipelineExecution', { pipelineName: 'conveyor-demo', pipelineExecutionId: run.pipelineExecutionId });
    assert.equal(detail.pipelineExecution.pipelineVersion, version + 1);
  });

  test('an action is dragged to another stage and to a new runOrder group, the flow re-checked; the keyboard does the same', async () => {
    const build = commandsStage('Build', ['mkdir -p out && echo built > out/app']);
    build.actions[0].outputArtifacts = [{ name: 'BuildOutput' }];
    const ship = commandsStage('Ship', ['cat out/app']);
    ship.actions[0].inputArtifacts = [{ name: 'BuildOutput' }];
    await call('CreatePipeline', { pipeline: pipeline('console-drag', [build, ship], { variables: [{ name: 'HOLD' }] }) });
    const saved = (await call('GetPipeline', { name: 'console-drag' })).pipeline;
    await go('/pipelines/console-drag/edit');
    await page.getByTestId('pipeline-graph').and(page.locator('[data-laid-out=true]')).waitFor();
    const declared = () => page.getByTestId('pipeline-json').inputValue().then(JSON.parse);
    const shape = async () => (await declared()).stages.map((st) => `${st.name}[${st.actions.map((a) => `${a.name}:${a.runOrder}`).join(',')}]`).join(' ');
    // Drags the action by its handle so that the action's centre lands at x (screen), then lets go.
    const laidOut = () => page.getByTestId('pipeline-graph').and(page.locator('[data-layout=elk]')).locator(`.react-flow__node`).first().waitFor();
    const drag = async (testId, x) => {
      const node = await page.getByTestId(testId).boundingBox();
      const handle = await page.getByTestId(testId).locator('.drag-handle').boundingBox();
      const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(from.x + 5, from.y + 5, { steps: 2 });
      await page.mouse.move(x - (node.x + node.width / 2) + from.x, from.y + 20, { steps: 12 });
      await page.mouse.up();
    };
    await laidOut();
    const buildNode = await page.getByTestId('action-Build-Build').boundingBox();
    // Onto the Build action's column: same runOrder as Build, which produces its input: the flow check says so.
    await drag('action-Ship-Ship', buildNode.x + buildNode.width / 2);
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid=pipeline-json]').value).stages[2].actions.length === 0);
    assert.equal(await shape(), 'Source[Source:1] Build[Build:1,Ship:1] Ship[]');
    const moved = page.getByTestId('action-Build-Ship');
    await moved.locator('.node-error', { hasText: 'Input artifact BuildOutput is produced later than this action runs' }).waitFor();
    await page.getByTestId('stage-Ship').locator('.node-error', { hasText: 'A stage needs at least one action' }).waitFor();
    assert.match(await page.getByTestId('move-announcement').innerText(), /Moved action Ship to stage Build, run order 1/);
    await screenshot('editor-drag');
    // Right of Build's column: a new group that runs after it; the flow is right again.
    await laidOut();
    const stageBox = await page.getByTestId('stage-Build').boundingBox();
    await drag('action-Build-Ship', stageBox.x + stageBox.width + 6);
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid=pipeline-json]').value).stages[1].actions[1]?.runOrder === 2);
    assert.equal(await shape(), 'Source[Source:1] Build[Build:1,Ship:2] Ship[]');
    assert.equal(await page.getByTestId('action-Build-Ship').locator('.node-error').count(), 0, 'no flow problem once it runs after Build');

    // The keyboard: Alt+Shift+→ moves the focused action to the next stage, Alt+Shift+↑ to an earlier runOrder group.
    await page.getByRole('button', { name: 'Edit action Ship of stage Build' }).focus();
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid=pipeline-json]').value).stages[2].actions.length === 1);
    assert.equal(await shape(), 'Source[Source:1] Build[Build:1] Ship[Ship:2]');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Edit action Ship of stage Ship');
    await page.keyboard.press('Alt+Shift+ArrowUp');
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid=pipeline-json]').value).stages[2].actions[0].runOrder === 1);
    assert.match(await page.getByTestId('move-announcement').innerText(), /Moved action Ship to stage Ship, run order 1/);
    // Back where it was: the JSON view is the saved declaration again, and the review says so.
    assert.deepEqual(await declared(), saved);
    await page.getByRole('button', { name: 'Review and save' }).click();
    const review = await page.getByTestId('diff').innerText();
    assert.equal(review.trim(), 'No changes.', review);
    await page.getByRole('button', { name: 'Keep editing' }).click();
  });

  test("a validation error from the server shows on the node it points at", async () => {
    await go('/pipelines/console-flaky/edit');
    await page.getByTestId('pipeline-graph').and(page.locator('[data-laid-out=true]')).waitFor();
    await page.getByRole('button', { name: 'Edit action Build of stage Build' }).click();
    await page.getByRole('form', { name: 'Action Build' }).getByLabel('Name', { exact: true }).fill('Build it!');
    await page.getByRole('button', { name: 'Review and save' }).click();
    await page.getByRole('button', { name: /^Save/ }).click();
    await page.getByTestId('server-error').waitFor();
    const node = page.getByTestId('action-Build-Build it!');
    await node.locator('.node-error').waitFor();
    assert.match(await node.innerText(), /ValidationException.*stages\[1\]\.actions\[0\]\.name/s);
    assert.equal(await page.getByTestId('action-Source-Source').locator('.node-error').count(), 0, 'no other node is blamed');
    assert.equal(await node.evaluate((el) => el.className.includes('has-error')), true);
    await screenshot('editor-validation-error');
    assert.equal((await call('GetPipeline', { name: 'console-flaky' })).pipeline.version, 1, 'nothing was saved');
  });

  test('keyboard only: the list, a pipeline and its dialogs; readable at 200% zoom', async () => {
    await go('/');
    await page.getByRole('link', { name: 'conveyor-demo', exact: true }).waitFor();
    await page.locator('[data-testid=pipeline-row] .status').first().waitFor();
    await screenshot('pipelines');
    let reached = false;
    for (let i = 0; i < 25 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent === 'conveyor-demo');
    }
    assert.ok(reached, 'Tab reaches the pipeline link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/pipelines\/conveyor-demo$/);
    await page.getByRole('button', { name: 'Release change' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Release change' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' }).catch(() => {});
    assert.equal(await page.getByRole('dialog', { name: 'Release change' }).isVisible(), false, 'Escape closes the dialog');

    // 200% zoom of a 1440×900 window: a 720×450 CSS viewport at device scale 2.
    const zoomed = await browser.newPage({ viewport: { width: 720, height: 450 }, deviceScaleFactor: 2 });
    try {
      await zoomed.goto(endpoint + '/console/');
      await zoomed.getByLabel('Access key ID').fill(credentials.accessKeyId);
      await zoomed.getByLabel('Secret access key').fill(credentials.secretAccessKey);
      await zoomed.getByRole('button', { name: 'Sign in' }).click();
      await zoomed.getByRole('link', { name: 'conveyor-demo', exact: true }).click();
      await zoomed.locator('[data-testid=stage-status-Source][data-status=Succeeded]').waitFor();
      const overflow = await zoomed.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling of the page at 200% (overflow ${overflow}px)`);
      for (const name of ['Release change', 'History', 'Edit']) assert.ok(await zoomed.getByRole(name === 'Release change' ? 'button' : 'link', { name, exact: true }).isVisible(), name);
      if (shots) await zoomed.screenshot({ path: join(shots, 'pipeline-view-200-percent.png') });
    } finally {
      await zoomed.close();
    }
  });

  test('the pipeline view of a 50-stage pipeline paints and becomes interactive quickly (measured)', async () => {
    const stages = Array.from({ length: 49 }, (_, i) => ({
      name: `Stage${String(i + 1).padStart(2, '0')}`,
      actions: (i % 3 === 0 ? ['A', 'B', 'C'] : ['A']).map((a, j) => ({ name: a, actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
        runOrder: i % 3 === 0 && j === 2 ? 2 : 1, commands: ['true'], inputArtifacts: [{ name: 'SourceOutput' }] })),
    }));
    // A variable without a default: created, not started (nothing runs while we measure).
    await call('CreatePipeline', { pipeline: pipeline('console-fifty', stages, { variables: [{ name: 'TARGET' }] }) });
    const runs = [];
    for (let i = 0; i < 5; i++) {
      await go('/pipelines/console-fifty');
      await page.locator('[data-testid=pipeline-graph][data-laid-out=true] .react-flow__node').first().waitFor();
      const run = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
        const ready = performance.getEntriesByName('pipeline-view-ready')[0]?.startTime;
        const mark = (n) => performance.getEntriesByName(n)[0]?.startTime;
        resolve({ firstContentfulPaint: paint, declarationLoaded: mark('declaration-loaded'), graphReady: ready, interactive: performance.now() });
      }, 0))));
      // ELK's layout (in a worker) then replaces the first one; the page stays usable meanwhile.
      await page.locator('[data-testid=pipeline-graph][data-layout=elk]').waitFor();
      run.elkLayoutApplied = await page.evaluate(() => performance.getEntriesByName('elk-layout-applied')[0]?.startTime);
      runs.push(run);
    }
    const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    results.pipelineView50Stages = { runs, medianFirstContentfulPaintMs: median('firstContentfulPaint'), medianGraphReadyMs: median('graphReady'),
      medianInteractiveMs: median('interactive'), medianElkLayoutAppliedMs: median('elkLayoutApplied') };
    assert.equal(await page.locator('[data-testid^=stage-Stage]').count() > 0, true);
    // Keyboard: the graph's nodes take focus and the page stays usable.
    await page.keyboard.press('Tab');
    assert.ok(median('graphReady') < 10_000, `graph ready in ${median('graphReady')} ms`);
  });

  test(`the pipelines list stays fast with ${benchPipelines} pipelines (measured)`, { timeout: 900_000 }, async () => {
    const existing = (await call('ListPipelines', { maxResults: 1000 })).pipelines.length;
    const names = Array.from({ length: benchPipelines }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
    const created = Date.now();
    const queue = [...names];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        await call('CreatePipeline', { pipeline: pipeline(name, [commandsStage('Build', ['true'])], { variables: [{ name: 'TARGET' }] }) });
      }
    }));
    results.pipelinesCreated = { count: benchPipelines, seconds: (Date.now() - created) / 1000 };
    const runs = [];
    for (let i = 0; i < 3; i++) {
      await go('/');
      await page.getByTestId('pipeline-row').first().waitFor({ timeout: 120_000 });
      runs.push(await page.evaluate(() => ({
        firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        listReady: performance.getEntriesByName('pipeline-list-ready')[0]?.startTime,
        rowsInPage: document.querySelectorAll('[data-testid=pipeline-row]').length,
      })));
    }
    assert.equal(await page.getByTestId('pipeline-count').innerText(), `${benchPipelines + existing} of ${benchPipelines + existing}`);
    assert.ok(runs.every((r) => r.rowsInPage < 100), 'only the rows in view exist');
    // Scrolling to the end and filtering: measured from the input to the next painted frame.
    const scroll = await page.evaluate(() => new Promise((resolve) => {
      const el = document.querySelector('[data-testid=pipeline-scroller]');
      const t = performance.now();
      el.scrollTop = el.scrollHeight;
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
    }));
    await page.getByRole('link', { name: names[names.length - 1] }).waitFor();
    const t0 = Date.now();
    const prefix = names[names.length - 1].slice(0, -1); // the last ten
    await page.getByLabel('Filter pipelines').fill(prefix);
    await page.getByTestId('pipeline-count').filter({ hasText: /^10 of/ }).waitFor();
    const filterMs = Date.now() - t0;
    const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    results.pipelineList = { pipelines: benchPipelines + existing, runs, medianFirstContentfulPaintMs: median('firstContentfulPaint'), medianListReadyMs: median('listReady'), scrollToEndFrameMs: scroll, filterMs };
    await page.getByLabel('Filter pipelines').fill('');
  });

  test('no page error was reported by the browser', () => {
    assert.deepEqual(pageErrors, []);
  });
});

// The test's own API client (Node's fetch and WebCrypto, signed by aws4fetch like the console), for arranging
// pipelines and checking results outside the browser.
import { AwsClient } from 'aws4fetch';

export const endpoint = process.env.CONVEYOR_ENDPOINT ?? 'http://127.0.0.1:8420';
export const credentials = {
  accessKeyId: process.env.CONVEYOR_TEST_ACCESS_KEY_ID ?? 'AKIDEXAMPLE',
  secretAccessKey: process.env.CONVEYOR_TEST_SECRET_ACCESS_KEY ?? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const client = new AwsClient({ ...credentials, region: 'us-east-1', service: 'codepipeline', retries: 0 });
const codeBuild = new AwsClient({ ...credentials, region: 'us-east-1', service: 'codebuild', retries: 0 });
const codeDeploy = new AwsClient({ ...credentials, region: 'us-east-1', service: 'codedeploy', retries: 0 });

export const call = (operation, input = {}) => jsonCall(client, 'CodePipeline_20150709.' + operation, input);
export const callCodeBuild = (operation, input = {}) => jsonCall(codeBuild, 'CodeBuild_20161006.' + operation, input);
export const callCodeDeploy = (operation, input = {}) => jsonCall(codeDeploy, 'CodeDeploy_20141006.' + operation, input);

async function jsonCall(signer, target, input) {
  const operation = target.split('.')[1];
  const response = await signer.fetch(endpoint + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) throw new Error(`${operation}: ${body.__type}: ${body.message}`);
  return body;
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function until(what, fn, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export async function latestExecution(name) {
  const r = await call('ListPipelineExecutions', { pipelineName: name, maxResults: 1 });
  return r.pipelineExecutionSummaries?.[0];
}

/** A pipeline whose first stage takes the demo's sample app from the server's S3 endpoint. */
export function pipeline(name, stages, extra = {}) {
  return {
    name,
    roleArn: `arn:aws:iam::000000000000:role/${name}`,
    artifactStore: { type: 'S3', location: 'conveyor-demo-artifacts' },
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    stages: [
      { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, runOrder: 1,
        configuration: { S3Bucket: 'conveyor-demo-sources', S3ObjectKey: 'sample-app.zip', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'SourceOutput' }] }] },
      ...stages,
    ],
    ...extra,
  };
}

export function commandsStage(stageName, commands, actionName = stageName) {
  return { name: stageName, actions: [{ name: actionName, actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' }, runOrder: 1, commands, inputArtifacts: [{ name: 'SourceOutput' }] }] };
}

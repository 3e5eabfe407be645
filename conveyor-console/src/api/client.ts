// Every call the console makes: the CodePipeline JSON API, Conveyor's log endpoint and event streams, signed with SigV4 in the
// browser (aws4fetch, over WebCrypto) with the credentials the user signed in with. Nothing else is reachable.
import { AwsClient } from 'aws4fetch';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const STORAGE_KEY = 'conveyor.credentials';

export function storedCredentials(): Credentials | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Credentials;
  } catch {
    return null;
  }
}

export function storeCredentials(credentials: Credentials | null) {
  if (credentials) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  else sessionStorage.removeItem(STORAGE_KEY);
  client = null;
  codeBuildClient = null;
}

/** An error answered by the API: its AWS error type (e.g. InvalidActionDeclarationException) and message. */
export class ApiError extends Error {
  constructor(readonly type: string, message: string, readonly status: number) {
    super(message);
  }
}

let client: AwsClient | null = null;

function signer(): AwsClient {
  if (client) return client;
  const credentials = storedCredentials();
  if (!credentials) throw new ApiError('NotSignedIn', 'Sign in first', 0);
  client = new AwsClient({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    region: credentials.region || 'us-east-1',
    service: 'codepipeline',
    retries: 0,
  });
  return client;
}

const endpoint = () => window.location.origin;

/** Calls one CodePipeline operation, e.g. call('GetPipelineState', {name}). */
export async function call<T = any>(operation: string, input: object = {}, using?: AwsClient): Promise<T> {
  return jsonCall<T>('CodePipeline_20150709.' + operation, input, using ?? signer());
}

let codeBuildClient: AwsClient | null = null;
/** Calls one CodeBuild operation (signed for the codebuild service), e.g. for a build's test reports. */
export async function callCodeBuild<T = any>(operation: string, input: object = {}): Promise<T> {
  const credentials = storedCredentials();
  if (!credentials) throw new ApiError('NotSignedIn', 'Sign in first', 0);
  codeBuildClient ??= new AwsClient({ ...credentials, service: 'codebuild', retries: 0 });
  return jsonCall<T>('CodeBuild_20161006.' + operation, input, codeBuildClient);
}

async function jsonCall<T>(target: string, input: object, using: AwsClient): Promise<T> {
  const response = await using.fetch(endpoint() + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': target,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type = String(body.__type ?? response.headers.get('x-amzn-ErrorType') ?? 'Error').replace(/^.*#/, '');
    throw new ApiError(type, body.message ?? body.Message ?? `HTTP ${response.status}`, response.status);
  }
  return body as T;
}

/** Checks credentials before keeping them: one cheap signed call. */
export async function verifyCredentials(credentials: Credentials): Promise<void> {
  const probe = new AwsClient({ ...credentials, service: 'codepipeline', retries: 0 });
  await call('ListPipelines', { maxResults: 1 }, probe);
}

export interface LogChunk {
  text: string;
  nextOffset: number;
  complete: boolean;
  actionStatus: string | null;
}

/** GET /conveyor/v1/logs/<actionExecutionId>?offset=N (docs/console.md, README "How requests are routed"). */
export async function readLog(actionExecutionId: string, offset: number): Promise<LogChunk> {
  const response = await signer().fetch(`${endpoint()}/conveyor/v1/logs/${encodeURIComponent(actionExecutionId)}?offset=${offset}`);
  if (!response.ok) throw new ApiError('LogNotFound', `No log for ${actionExecutionId} (HTTP ${response.status})`, response.status);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    text: new TextDecoder().decode(bytes),
    nextOffset: Number(response.headers.get('X-Conveyor-Log-Offset') ?? offset + bytes.length),
    complete: response.headers.get('X-Conveyor-Log-Complete') === 'true',
    actionStatus: response.headers.get('X-Conveyor-Action-Status'),
  };
}

/**
 * GET /conveyor/v1/events/<path>: a live event stream (Server-Sent Events), signed in the headers like every call,
 * resuming after {@code lastEventId} when given. The caller reads the body as it arrives and aborts with {@code signal}.
 */
export async function openSignedStream(path: string, lastEventId: string | undefined, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
  return signer().fetch(`${endpoint()}/conveyor/v1/events/${path}`, { headers, signal, cache: 'no-store' });
}

/** A presigned S3 URL for an artifact object on the server's S3 endpoint (path style), valid for an hour. */
export async function presignedObjectUrl(bucket: string, key: string): Promise<string> {
  const credentials = storedCredentials();
  if (!credentials) throw new ApiError('NotSignedIn', 'Sign in first', 0);
  const s3 = new AwsClient({ ...credentials, service: 's3', retries: 0 });
  const url = `${endpoint()}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}?X-Amz-Expires=3600`;
  const signed = await s3.sign(url, { method: 'GET', aws: { signQuery: true } });
  return signed.url;
}

/** Every page of a paginated list operation. */
export async function listAll<T>(operation: string, input: object, key: string, pageSize = 1000): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | undefined;
  do {
    const page: any = await call(operation, { ...input, maxResults: pageSize, ...(nextToken ? { nextToken } : {}) });
    out.push(...(page[key] ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

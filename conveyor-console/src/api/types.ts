// The CodePipeline shapes the console reads, as the API returns them (only the members the views use).
export interface ActionTypeId { category: string; owner: string; provider: string; version: string }
export interface ArtifactRef { name: string; files?: string[] }
export interface ActionDeclaration {
  name: string;
  actionTypeId: ActionTypeId;
  runOrder?: number;
  configuration?: Record<string, string>;
  commands?: string[];
  outputArtifacts?: ArtifactRef[];
  inputArtifacts?: ArtifactRef[];
  outputVariables?: string[];
  roleArn?: string;
  region?: string;
  namespace?: string;
  timeoutInMinutes?: number;
  [extra: string]: unknown;
}
export interface RuleDeclaration { name: string; ruleTypeId: { category?: string; owner?: string; provider: string; version?: string }; configuration?: Record<string, string>; [extra: string]: unknown }
export interface ConditionDeclaration { result?: string; rules?: RuleDeclaration[] }
export interface StageDeclaration {
  name: string;
  actions: ActionDeclaration[];
  beforeEntry?: { conditions?: ConditionDeclaration[] };
  onSuccess?: { conditions?: ConditionDeclaration[] };
  onFailure?: { result?: string; conditions?: ConditionDeclaration[]; retryConfiguration?: { retryMode?: string } };
  [extra: string]: unknown;
}
export interface PipelineDeclaration {
  name: string;
  roleArn?: string;
  artifactStore?: { type: string; location: string };
  stages: StageDeclaration[];
  version?: number;
  pipelineType?: string;
  executionMode?: string;
  variables?: { name: string; defaultValue?: string; description?: string }[];
  triggers?: unknown[];
  [extra: string]: unknown;
}
export interface ActionExecution {
  actionExecutionId?: string;
  status?: string;
  summary?: string;
  lastStatusChange?: number;
  token?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  errorDetails?: { code?: string; message?: string };
}
export interface ActionState {
  actionName: string;
  currentRevision?: { revisionId?: string };
  latestExecution?: ActionExecution;
  entityUrl?: string;
  revisionUrl?: string;
}
export interface StageState {
  stageName: string;
  inboundTransitionState?: { enabled: boolean; disabledReason?: string; lastChangedBy?: string; lastChangedAt?: number };
  actionStates?: ActionState[];
  latestExecution?: { pipelineExecutionId: string; status: string; type?: string };
  inboundExecution?: { pipelineExecutionId: string; status: string };
  beforeEntryConditionState?: ConditionState;
  onSuccessConditionState?: ConditionState;
  onFailureConditionState?: ConditionState;
  retryStageMetadata?: { autoStageRetryAttempt?: number; manualStageRetryAttempt?: number; latestRetryTrigger?: string };
}
export interface RuleState {
  ruleName: string;
  latestExecution?: { ruleExecutionId?: string; status?: string; summary?: string; lastStatusChange?: number; externalExecutionId?: string; externalExecutionUrl?: string; errorDetails?: { code?: string; message?: string } };
  entityUrl?: string;
}
/** GetPipelineState's StageConditionState: the stage's conditions of one kind, each with its rules. */
export interface ConditionState {
  latestExecution?: { status?: string; summary?: string };
  conditionStates?: { latestExecution?: { status?: string; summary?: string; lastStatusChange?: number }; ruleStates?: RuleState[] }[];
}
/** ListRuleExecutions' RuleExecutionDetail. */
export interface RuleExecutionDetail {
  pipelineExecutionId: string;
  ruleExecutionId: string;
  pipelineVersion?: number;
  stageName: string;
  ruleName: string;
  startTime?: number;
  lastUpdateTime?: number;
  updatedBy?: string;
  status: string;
  input?: { ruleTypeId?: { provider?: string }; configuration?: Record<string, string>; resolvedConfiguration?: Record<string, string> };
  output?: { executionResult?: { externalExecutionId?: string; externalExecutionSummary?: string; externalExecutionUrl?: string; errorDetails?: { code?: string; message?: string } } };
}
export interface PipelineState { pipelineName: string; pipelineVersion: number; stageStates: StageState[]; updated?: number }
export interface SourceRevision { actionName: string; revisionId?: string; revisionSummary?: string; revisionUrl?: string }
export interface ExecutionSummary {
  pipelineExecutionId: string;
  status: string;
  statusSummary?: string;
  startTime?: number;
  lastUpdateTime?: number;
  sourceRevisions?: SourceRevision[];
  trigger?: { triggerType?: string; triggerDetail?: string };
  executionMode?: string;
  executionType?: string;
  rollbackMetadata?: { rollbackTargetPipelineExecutionId?: string };
}
export interface ActionExecutionDetail {
  pipelineExecutionId: string;
  actionExecutionId: string;
  pipelineVersion?: number;
  stageName: string;
  actionName: string;
  startTime?: number;
  lastUpdateTime?: number;
  updatedBy?: string;
  status: string;
  input?: { actionTypeId?: ActionTypeId; configuration?: Record<string, string>; resolvedConfiguration?: Record<string, string>; inputArtifacts?: { name: string; s3location?: { bucket: string; key: string } }[]; namespace?: string };
  output?: { outputArtifacts?: { name: string; s3location?: { bucket: string; key: string } }[]; executionResult?: { externalExecutionId?: string; externalExecutionSummary?: string; externalExecutionUrl?: string; errorDetails?: { code?: string; message?: string } }; outputVariables?: Record<string, string> };
}
export interface ActionTypeDeclaration {
  id: ActionTypeId;
  actionConfigurationProperties?: { name: string; required: boolean; key: boolean; secret: boolean; queryable?: boolean; description?: string; type?: string }[];
  inputArtifactDetails?: { minimumCount: number; maximumCount: number };
  outputArtifactDetails?: { minimumCount: number; maximumCount: number };
}

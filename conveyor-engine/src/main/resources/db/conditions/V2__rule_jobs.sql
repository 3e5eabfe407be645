-- Rules whose work runs as a job (issue 16): a Commands rule on an agent, as the Commands action runs, and a LambdaInvoke
-- rule through the in-process invoke worker, as the Invoke/AWS/Lambda action runs. Such a job belongs to a rule
-- execution instead of an action execution, so action_execution_id may be NULL; deleting the rule's execution (with its
-- pipeline) deletes its jobs, as deleting an action execution deletes the action's.
ALTER TABLE job ALTER COLUMN action_execution_id DROP NOT NULL;
ALTER TABLE job ADD COLUMN rule_execution_id VARCHAR(36);
ALTER TABLE job ADD CONSTRAINT job_rule_execution_fk FOREIGN KEY (rule_execution_id) REFERENCES rule_execution (id) ON DELETE CASCADE;
CREATE INDEX job_by_rule ON job (rule_execution_id);

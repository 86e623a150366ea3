/** What an agent attempt returns to the workflow: a short summary and ids, never the transcript. */
export interface AttemptOutcome {
  status: 'completed' | 'failed';
  summary: string;
  commitSha: string | null;
  filesChanged: number;
  /** Set when the agent failed: the feedback for the next attempt. */
  feedbackArtifactId: string | null;
}

const SUMMARY_LIMIT = 500;
export const clipSummary = (text: string) =>
  text.length > SUMMARY_LIMIT ? text.slice(0, SUMMARY_LIMIT - 1) + '…' : text;

export const artifactId = (taskId: string, attempt: number, kind: string) => `${taskId}/${attempt}/${kind}`;

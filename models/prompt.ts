/** Everything a model is told for one attempt: the system prompt and the task's user message. */
export interface AgentPrompt {
  system: string;
  user: string;
}

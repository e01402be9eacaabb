/** A session in "my sessions" (GET /api/sessions, docs/api.md). */
export interface SessionSummary {
  id: string;
  userId: string;
  scriptId: string;
  scriptVersion: number;
  scriptName: string | null;
  status: string;
  executionStatus: string;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
}

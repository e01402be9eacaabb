import type { TurnPosition } from "@heartrule/client";

/** A script's shape, phase › topic › action, as the debugger draws it (docs/script-language.md). */
export interface OutlineAction {
  id: string;
  type: string;
}

export interface OutlineTopic {
  id: string;
  name: string | null;
  actions: OutlineAction[];
}

export interface OutlinePhase {
  id: string;
  name: string | null;
  topics: OutlineTopic[];
}

/** Where a position is in an outline: indices of its phase, topic and action, or null where it is not in it. */
export interface Located {
  phase: number | null;
  topic: number | null;
  action: number | null;
}

type Json = Record<string, unknown>;

const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => !!v && typeof v === "object") : []);
const text = (value: unknown): string | null => (typeof value === "string" || typeof value === "number" ? String(value) : null);

/**
 * The outline of a session script from its parsed form (the YAML as JSON, as GET /api/scripts/{id} gives it). What
 * is missing or malformed is left out rather than guessed: the debugger shows what the script says.
 */
export function outlineOf(parsed: unknown): OutlinePhase[] {
  const session = (parsed as { session?: Json } | null)?.session;
  return list(session?.phases).map((phase, p) => ({
    id: text(phase.phase_id) ?? `#${p + 1}`,
    name: text(phase.phase_name),
    topics: list(phase.topics).map((topic, t) => ({
      id: text(topic.topic_id) ?? `#${t + 1}`,
      name: text(topic.topic_name),
      actions: list(topic.actions).map((action, a) => ({ id: text(action.action_id) ?? `#${a + 1}`, type: text(action.action_type) ?? "" })),
    })),
  }));
}

/**
 * An outline made of the positions turns reported, for when the script cannot be read: only the parts the session
 * has been through, in the order of their indices.
 */
export function outlineFromPositions(positions: readonly TurnPosition[]): OutlinePhase[] {
  const phases: OutlinePhase[] = [];
  for (const p of positions) {
    if (!p.phaseId || p.phaseIndex < 0) continue;
    const phase = (phases[p.phaseIndex] ??= { id: p.phaseId, name: null, topics: [] });
    if (!p.topicId || p.topicIndex < 0) continue;
    const topic = (phase.topics[p.topicIndex] ??= { id: p.topicId, name: null, actions: [] });
    if (!p.actionId || p.actionIndex < 0) continue;
    topic.actions[p.actionIndex] ??= { id: p.actionId, type: p.actionType ?? "" };
  }
  // Indices never reported leave holes: drop them (the ids stay right, the numbering is the session's).
  return phases.filter(Boolean).map((phase) => ({ ...phase, topics: phase.topics.filter(Boolean).map((topic) => ({ ...topic, actions: topic.actions.filter(Boolean) })) }));
}

/** Finds a position by its ids (indices can differ between a script's versions), falling back to its indices. */
export function locate(outline: readonly OutlinePhase[], position: TurnPosition): Located {
  const find = <T extends { id: string }>(items: readonly T[], id: string | null, index: number): number | null => {
    const byId = id === null ? -1 : items.findIndex((item) => item.id === id);
    if (byId >= 0) return byId;
    return id === null && index >= 0 && index < items.length ? index : null;
  };
  const phase = find(outline, position.phaseId, position.phaseIndex);
  const topic = phase === null ? null : find(outline[phase]!.topics, position.topicId, position.topicIndex);
  const action = phase === null || topic === null ? null : find(outline[phase]!.topics[topic]!.actions, position.actionId, position.actionIndex);
  return { phase, topic, action };
}

import type { TablePlan } from './plan.js';

/** Plain sentences for the summary: held, rejected, missing and widened columns. */
export function notesFor(plan: TablePlan, changeId: string | null): string[] {
  if (plan.kind !== 'evolve') return [];
  const notes: string[] = [];
  if (plan.held.length) {
    notes.push(
      `${plan.held.length} new columns held for review (${plan.held.map((c) => c.name).join(', ')}); loaded the existing columns only` +
        (changeId
          ? `; approve with: datawarp schema-changes approve ${changeId}`
          : '; a review request is already pending (datawarp schema-changes list)'),
    );
  }
  if (plan.rejected.length)
    notes.push(`ignored columns rejected in review: ${plan.rejected.map((c) => c.name).join(', ')}`);
  if (plan.missing.length) notes.push(`columns not in this file loaded as null: ${plan.missing.join(', ')}`);
  for (const w of plan.widen) notes.push(`widened ${w.column} from ${w.from} to ${w.to}`);
  return notes;
}

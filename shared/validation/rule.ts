/**
 * The shape of a design rule and of the problems the checker reports.
 *
 * A rule is data (id, severity, texts for the catalogue) plus a `check` that reads the shared
 * {@link CheckContext} index and returns findings. Rules never build their own indexes over all
 * hosts, so a full check stays linear in the size of the design.
 */
import type { CheckContext } from './context.ts';

/** How bad a problem is: `error` = it will not work, `warning` = it works badly or may not, `info` = worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

/** Severities in report order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One thing a rule found in a design. */
export interface Finding {
  /** What is wrong, naming the hosts and addresses involved, in words a networking student understands. */
  readonly message: string;
  /** A concrete change that fixes it ("Set rs1's gateway to 192.168.111.200"). */
  readonly fix: string;
  /** Ids of the hosts, interfaces, segments, services or real servers concerned (first = the one to edit). */
  readonly refs: readonly string[];
  /** Overrides the rule's severity for this finding (e.g. a milder case of the same mistake). */
  readonly severity?: Severity;
  /** The same message and fix in Simplified Chinese (every rule provides it; the UI shows it in the zh-CN locale). */
  readonly zh: LocalizedFinding;
}

/** A finding's message and fix in one other language. */
export interface LocalizedFinding {
  readonly message: string;
  readonly fix: string;
}

/** A design rule. */
export interface Rule {
  /** Stable identifier `area/slug`, e.g. `nat/reply-not-via-director`. Never renamed once published. */
  readonly id: string;
  /** Default severity of its findings. */
  readonly severity: Severity;
  /** One-line title for the catalogue. */
  readonly title: string;
  /** The title in Simplified Chinese. */
  readonly titleZh: string;
  /** What the rule checks and the networking reason behind it (Markdown, for docs/rules.md). */
  readonly description: string;
  /** A failing design and its fix, for the catalogue. */
  readonly example: { readonly bad: string; readonly fix: string };
  /** Inspects the design through the shared index. */
  readonly check: (ctx: CheckContext) => Finding[];
}

/** A finding attributed to its rule, as `validate` returns it and `lvsd validate --json` prints it. */
export interface Problem {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix: string;
  readonly refs: readonly string[];
  /** Message and fix in Simplified Chinese. */
  readonly zh: LocalizedFinding;
}

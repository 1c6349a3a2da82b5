/**
 * Shared types of the importers: what a parser extracts (services and real servers, with the line
 * they came from) and the problems it reports.
 */
import type { ForwardingMethod, HealthCheck, HealthCheckOverride, Layout, Persistence, SchedulerFlag, ServiceProtocol, Topology } from '../model/types.ts';

/** Something wrong or doubtful in the imported text. `line` is 1-based (0 = the whole input). */
export interface ImportProblem {
  readonly line: number;
  /** The offending text (trimmed, at most 200 characters). */
  readonly text: string;
  readonly message: string;
  /** The same remark in Simplified Chinese. */
  readonly messageZh: string;
  /** Ids of the design elements the remark is about (host, service, real server), when the line became one. */
  readonly refs?: readonly string[];
  /** The real-server address the remark is about, when the line holds several elements (an article's paragraph). */
  readonly aboutRip?: string;
  /** The file the line is in, when one import reads several (the member name of a keepalived pair). */
  readonly source?: string;
  /** `error`: the text as written would fail or was not imported; `warning`: imported, but check it. */
  readonly severity: 'error' | 'warning';
}

/** The result of an import: a loadable design, its canvas layout, and everything noticed on the way. */
export interface ImportResult {
  readonly topology: Topology;
  readonly layout: Layout;
  readonly problems: ImportProblem[];
}

/** A real server as a parser read it. */
export interface ParsedRealServer {
  rip: string;
  port: number;
  method: ForwardingMethod;
  weight: number;
  upperThreshold?: number;
  lowerThreshold?: number;
  /** keepalived: what this server's checker does differently from the service's. */
  healthCheck?: HealthCheckOverride;
  line: number;
}

/** A virtual service as a parser read it. `key` identifies it (`tcp 10.0.0.1:80`, `fwmark 7`). */
export interface ParsedService {
  key: string;
  protocol: ServiceProtocol;
  /** VIP; empty for a firewall-mark service (the mark's address is not in the rules). */
  vip: string;
  port: number;
  fwmark?: number;
  scheduler: string;
  schedulerFlags?: SchedulerFlag[];
  persistence?: Persistence;
  healthCheck?: HealthCheck;
  realServers: ParsedRealServer[];
  line: number;
}

/** Collects problems with a bounded text excerpt. */
export class Problems {
  readonly list: ImportProblem[] = [];
  add(severity: ImportProblem['severity'], line: number, text: string, message: string, messageZh: string, aboutRip?: string): void {
    const t = text.trim();
    this.list.push({ line, text: t.length > 200 ? `${t.slice(0, 197)}...` : t, message, messageZh, severity, ...(aboutRip !== undefined ? { aboutRip } : {}) });
  }
  /** An error: the text as written would fail; `messageZh` says the same in Simplified Chinese. */
  error(line: number, text: string, message: string, messageZh: string, aboutRip?: string): void {
    this.add('error', line, text, message, messageZh, aboutRip);
  }
  /** A warning: imported, but worth checking; `messageZh` says the same in Simplified Chinese. */
  warning(line: number, text: string, message: string, messageZh: string, aboutRip?: string): void {
    this.add('warning', line, text, message, messageZh, aboutRip);
  }
}

/** Inputs larger than this are refused (a table of 100,000 real servers is ~6 MB of `-S` text). */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

/**
 * Lines longer than this are cut: no configuration line is anywhere near as long (the longest line
 * of the seed article, a whole section pasted as one paragraph, has 1,587 characters), and every
 * per-line scan stays bounded.
 */
export const MAX_LINE_CHARS = 8192;

/**
 * Splits the text into lines (`\n`, `\r\n` or `\r`), cutting each line at {@link MAX_LINE_CHARS}
 * with an error that says so — the cut part is reported, never dropped silently.
 */
export function splitLines(text: string, p: Problems): string[] {
  const out = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < out.length; i++) {
    const l = out[i]!;
    if (l.length > MAX_LINE_CHARS) {
      p.error(
        i + 1,
        l.slice(0, 120),
        `line ${i + 1} is ${l.length} characters long; only the first ${MAX_LINE_CHARS} are read (split it into lines)`,
        `第 ${i + 1} 行长 ${l.length} 个字符；只读取前 ${MAX_LINE_CHARS} 个（请把它拆成多行）`,
      );
      out[i] = l.slice(0, MAX_LINE_CHARS);
    }
  }
  return out;
}

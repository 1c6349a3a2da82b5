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
  add(severity: ImportProblem['severity'], line: number, text: string, message: string): void {
    const t = text.trim();
    this.list.push({ line, text: t.length > 200 ? `${t.slice(0, 197)}...` : t, message, severity });
  }
  error(line: number, text: string, message: string): void {
    this.add('error', line, text, message);
  }
  warning(line: number, text: string, message: string): void {
    this.add('warning', line, text, message);
  }
}

/** Inputs larger than this are refused (a table of 100,000 real servers is ~6 MB of `-S` text). */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

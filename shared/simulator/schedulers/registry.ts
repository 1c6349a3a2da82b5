/**
 * Every IPVS scheduler by its kernel name — plain data, like the kernel's list of registered
 * `struct ip_vs_scheduler`s. To add one: a file named like the kernel's module implementing
 * {@link SchedulerModule}, and a line here (see CONTRIBUTING.md).
 */
import type { Scheduler } from '../../model/types.ts';
import type { SchedulerModule } from './core.ts';
import { rr } from './rr.ts';
import { wrr } from './wrr.ts';
import { lc } from './lc.ts';
import { wlc } from './wlc.ts';
import { lblc } from './lblc.ts';
import { lblcr } from './lblcr.ts';
import { dh } from './dh.ts';
import { sh } from './sh.ts';
import { sed } from './sed.ts';
import { nq } from './nq.ts';
import { fo } from './fo.ts';
import { ovf } from './ovf.ts';
import { mh } from './mh.ts';
import { twos } from './twos.ts';

/** The scheduler modules by name (`ipvsadm -s NAME`). */
export const SCHEDULER_MODULES: Readonly<Record<Scheduler, SchedulerModule>> = { rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos };

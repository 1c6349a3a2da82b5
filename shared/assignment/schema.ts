/**
 * The `*.lvs-assignment.json` and `*.lvs-submission.json` formats (version 1) as zod schemas.
 *
 * An assignment is a *template*: its starting design, its teacher's solution and its goals may hold
 * placeholders (`{{VIP}}`, `{{LAN.101}}`, `{{W1}}`) that {@link fillPlan} replaces with the values
 * of one student's address plan. Goals are therefore checked by {@link goalSchema} only after the
 * plan is filled; the file schema checks their shape loosely (an object with an id, kind, points and
 * hint) and `parseAssignment` then fills the plan once to prove every goal and design parses.
 */
import { z } from 'zod';
import { FORWARDING_METHODS, SCHEDULERS } from '../model/types.ts';

/**
 * The current version of `*.lvs-assignment.json`. Version 2 added the `challenge` goal; a version 1
 * file is read as version 2 unchanged (see `migrateAssignment`).
 */
export const ASSIGNMENT_FORMAT_VERSION = 2 as const;
/**
 * The current version of `*.lvs-submission.json`. Version 2 added `challenges` (the answers given in
 * the packet walk's challenge mode); a version 1 file is read as version 2 with no answers.
 */
export const SUBMISSION_FORMAT_VERSION = 2 as const;

/** Text in English and Simplified Chinese (Markdown where it is instructions). */
export const localizedSchema = z.strictObject({ en: z.string().max(20_000), zh: z.string().max(20_000) });
export type Localized = z.infer<typeof localizedSchema>;

const varName = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'a variable name is upper case: A-Z, 0-9, _ (e.g. VIP, LAN, W1)');
const cidrText = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'expected a.b.c.d/n');

/**
 * One variable of the address plan. `subnet`: a free subnet of `prefix` bits inside `pool` (no two
 * subnet variables overlap); placeholders `{{NAME}}` (`10.23.7.0/24`), `{{NAME.N}}` (its N-th
 * address), `{{NAME.prefix}}`. `address`: one host address of `in` (a CIDR or a subnet variable),
 * host offsets `min`..`max`, never an offset the templates already use as `{{SUBNET.N}}`.
 * `number`: an integer `min`..`max` (a weight, a port); a string that is exactly `{{NAME}}`
 * becomes a JSON number.
 */
export const planVariableSchema = z.discriminatedUnion('kind', [
  z.strictObject({ name: varName, kind: z.literal('subnet'), pool: cidrText, prefix: z.number().int().min(8).max(30) }),
  z.strictObject({
    name: varName,
    kind: z.literal('address'),
    in: z.union([cidrText, varName]),
    min: z.number().int().min(1).max(0xfffffffe).optional(),
    max: z.number().int().min(1).max(0xfffffffe).optional(),
  }),
  z.strictObject({ name: varName, kind: z.literal('number'), min: z.number().int().min(0).max(65535), max: z.number().int().min(0).max(65535) }),
]);
export type PlanVariable = z.infer<typeof planVariableSchema>;

const goalBase = {
  /** Stable id within the assignment (`balances`, `arp-rs1`), used in reports. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
  points: z.number().int().min(0).max(1000),
  /** What the goal asks, shown to the student. */
  title: localizedSchema,
  /** Shown after a failed attempt (never in exam mode). */
  hint: localizedSchema,
};

const serviceRef = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/, 'expected VIP:PORT');

/**
 * A goal, after the plan is filled. Static goals are decided from the design and the simulator;
 * `weights` and `failover` also have a part that only the real kernel decides (`lvsd grade --lab`).
 */
export const goalSchema = z.discriminatedUnion('kind', [
  /** The service VIP:PORT exists and balances over ≥ `minServers` real servers of weight > 0 by `method`. */
  z.strictObject({
    ...goalBase,
    kind: z.literal('balances'),
    service: serviceRef,
    minServers: z.number().int().min(1).max(64),
    method: z.enum(FORWARDING_METHODS).optional(),
    scheduler: z.enum(SCHEDULERS).optional(),
  }),
  /** The checker finds no error (warnings allowed); with `service`, that service must exist too (an untouched start earns nothing). */
  z.strictObject({ ...goalBase, kind: z.literal('no-errors'), service: serviceRef.optional() }),
  /** None of these checker rules reports anything (any severity): "replies go back through the director"; `service` as for no-errors. */
  z.strictObject({
    ...goalBase,
    kind: z.literal('rule-clear'),
    service: serviceRef.optional(),
    rules: z
      .array(z.string().regex(/^[a-z]+\/[a-z0-9-]+$/))
      .min(1)
      .max(32),
  }),
  /** The packet walk from `client` to VIP:PORT and back works, through every real server of the service. */
  z.strictObject({ ...goalBase, kind: z.literal('walk'), client: z.string().min(1).max(64), service: serviceRef }),
  /**
   * The real servers share new connections in `ratio` (host id → share) within ±`tolerancePct` %:
   * checked on the configured weights and the simulated scheduler, and with `--lab` on the kernel.
   */
  z.strictObject({
    ...goalBase,
    kind: z.literal('weights'),
    service: serviceRef,
    ratio: z.record(z.string().min(1).max(64), z.number().int().min(1).max(65535)),
    tolerancePct: z.number().min(0).max(100),
    /** Requests the lab sends from `client` (default 40). */
    requests: z.number().int().min(4).max(1000).optional(),
    client: z.string().min(1).max(64).optional(),
  }),
  /** Each host holds the VIP on lo/tunl0 as /32 and keeps arp_ignore ≥ 1, arp_announce ≥ 2 on its cabled interfaces. */
  z.strictObject({ ...goalBase, kind: z.literal('arp'), service: serviceRef, hosts: z.array(z.string().min(1).max(64)).min(1).max(64) }),
  /**
   * The director group hands its addresses to a backup within `withinSeconds` when its master
   * fails: `event` `crash` (default: the master is gone from every network) or `interface-down`
   * (the master's `iface` goes down; the tracked-interface weight must cover the priority gap).
   * With `--lab` the takeover is measured on the kernel (keepalived in each member's namespace).
   */
  z
    .strictObject({
      ...goalBase,
      kind: z.literal('failover'),
      group: z.string().min(1).max(64),
      withinSeconds: z.number().positive().max(600),
      event: z.enum(['crash', 'interface-down']).optional(),
      iface: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,15}$/)
        .optional(),
      /** Client that must be answered through the new holder (lab; default: the design's client). */
      client: z.string().min(1).max(64).optional(),
      /** VIP:PORT fetched across the failover (lab; default: the first service on the group's addresses). */
      service: serviceRef.optional(),
    })
    .refine((g) => (g.event === 'interface-down') === (g.iface !== undefined), { message: 'iface is given exactly when event is interface-down' }),
  /**
   * Challenge mode of the packet walk: the quiz of the flow `client` → `service` (through the real
   * server on host `realServer`, else the one the scheduler picks), drawn with the student's seed
   * (`challengeSeed`), at most {@link CHALLENGE_QUESTIONS} questions; passes with ≥ `minCorrect`
   * right answers. The grader rebuilds the quiz from the submitted design and scores the stored
   * answers (never a stored score).
   */
  z.strictObject({
    ...goalBase,
    kind: z.literal('challenge'),
    client: z.string().min(1).max(64),
    service: serviceRef,
    realServer: z.string().min(1).max(64).optional(),
    minCorrect: z.number().int().min(1).max(8),
  }),
]);
export type Goal = z.infer<typeof goalSchema>;

/** Questions in a challenge goal's quiz at most (the packet walk's challenge mode asks as many). */
export const CHALLENGE_QUESTIONS = 8;
export type GoalKind = Goal['kind'];

/** A goal as stored in the file, before the plan is filled. */
const goalTemplateSchema = z.looseObject({ id: goalBase.id, kind: z.string(), points: goalBase.points, title: localizedSchema, hint: localizedSchema });

/** The `*.lvs-assignment.json` file. */
export const assignmentSchema = z.strictObject({
  format: z.literal('lvs-assignment'),
  formatVersion: z.literal(ASSIGNMENT_FORMAT_VERSION),
  /** Stable id; submissions name it. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  title: localizedSchema,
  /** Markdown. */
  instructions: localizedSchema,
  /** Exam mode: hints are never shown, the timer runs for `minutes`. */
  exam: z.strictObject({ minutes: z.number().int().min(1).max(600) }).optional(),
  plan: z.strictObject({ variables: z.array(planVariableSchema).max(64) }),
  /** The design the student starts from (a design file template; may be empty or deliberately broken). */
  start: z.looseObject({ format: z.literal('lvs-designer') }),
  /** Ids (hosts, segments, services, director groups) the student may not change. */
  locked: z.array(z.string().min(1).max(64)).max(256),
  goals: z.array(goalTemplateSchema).min(1).max(64),
  /** The teacher's answer (a design file template). Never in a student's copy (see `studentCopy`). */
  solution: z.looseObject({ format: z.literal('lvs-designer') }).optional(),
});
export type AssignmentFile = z.infer<typeof assignmentSchema>;

/** Challenge answers as a submission stores them: goal id → question id → the value chosen. */
export const challengeAnswersSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/), z.record(z.string().max(64), z.string().max(200)));

/** The `*.lvs-submission.json` file a student hands in. */
export const submissionSchema = z.strictObject({
  format: z.literal('lvs-submission'),
  formatVersion: z.literal(SUBMISSION_FORMAT_VERSION),
  assignmentId: z.string().min(1).max(64),
  /** The student id the plan was made from. */
  seed: z.string().min(1).max(128),
  /** Digest of the filled plan the student worked with ({@link planDigest}); a copied file with another seed does not match. */
  planDigest: z.string().regex(/^[0-9a-f]{16}$/),
  /** Display name (optional). */
  student: z.string().max(200).optional(),
  /** ISO time of the submission (informational). */
  submittedAt: z.string().max(40).optional(),
  /** The design file (validated with the design file parser when graded). */
  design: z.looseObject({ format: z.string() }),
  /** Answers of challenge goals: goal id → question id → the value chosen (no score: the grader scores). */
  challenges: challengeAnswersSchema,
});
export type SubmissionFile = z.infer<typeof submissionSchema>;

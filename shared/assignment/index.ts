/**
 * Instructor mode: LVS assignments with per-student address plans, goals as data, and grading
 * (static, simulated; the real-kernel part lives in electron/services/assignment). See docs/instructor.md.
 */
export * from './schema.ts';
export * from './plan.ts';
export * from './assignment.ts';
export * from './goals.ts';
export * from './grade.ts';
export * from './report.ts';
export * from './author.ts';
export * from './challenge.ts';

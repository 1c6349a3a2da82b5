/**
 * `lvsd rollback FILE [--host ID ...]`: undo the last deploy on the hosts — each runs the
 * rollback.sh of its last deploy, which restores the snapshot apply.sh took before changing
 * anything. Same engine, options and prompts as `lvsd deploy`.
 */
import type { CliCommand } from '../io.ts';
import { runDeployCommand } from './deploy.ts';

export const run: CliCommand = (argv, io) => runDeployCommand(argv, io, 'rollback');

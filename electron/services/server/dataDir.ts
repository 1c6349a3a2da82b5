/** Where browser mode keeps designs, recent files and the recovery copy when not told otherwise. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'lvs-designer');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'lvs-designer');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'lvs-designer');
}

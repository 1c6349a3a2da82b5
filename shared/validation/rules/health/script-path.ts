import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';
import { commandProblem } from '../../../model/health.ts';

const FIELDS = [
  { key: 'script', keyword: 'MISC_CHECK misc_path' },
  { key: 'quorumUp', keyword: 'quorum_up' },
  { key: 'quorumDown', keyword: 'quorum_down' },
] as const;

/** A command keepalived runs that is relative or carries shell syntax. */
export const scriptPath: Rule = {
  id: 'health/script-path',
  severity: 'error',
  title: 'Check or quorum script is not an absolute path with plain arguments',
  titleZh: '检查脚本或 quorum 脚本不是带普通参数的绝对路径',
  description:
    'keepalived runs `MISC_CHECK` scripts and the `quorum_up`/`quorum_down` commands itself, from its own working directory and with its own `PATH`, so a relative name finds a different program or none ' +
    '(and with `script_security` keepalived refuses it). Shell syntax (`;`, `|`, `$`, quotes, redirections) does not belong in the command either: keepalived splits it into words without a shell, ' +
    'and LVS Designer never writes such a line into a configuration. Use an absolute path followed by plain arguments and put any logic in the script.',
  example: { bad: "web's MISC_CHECK runs `check_app.sh --port 80`.", fix: 'Use `/usr/local/bin/check_app.sh --port 80`.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      const sources: { text: string; keyword: string; field: string; rsId?: string }[] = [];
      for (const f of FIELDS) {
        const v = svc.healthCheck?.[f.key];
        if (v !== undefined) sources.push({ text: v, keyword: f.keyword, field: f.key });
      }
      for (const r of svc.realServers)
        if (r.healthCheck?.script !== undefined) sources.push({ text: r.healthCheck.script, keyword: 'MISC_CHECK misc_path', field: 'script', rsId: r.id });
      for (const src of sources) {
        const problem = commandProblem(src.text);
        if (problem === null) continue;
        const why =
          problem === 'relative'
            ? 'it is not an absolute path, so keepalived may run another program or none'
            : problem === 'metacharacters'
              ? 'it contains shell syntax (; | & $ ` quotes < > ( ) ...), which keepalived does not interpret and LVS Designer never writes into a configuration'
              : 'it is not an absolute path followed by plain words (letters, digits, . _ + - / = : , @ %)';
        const whyZh =
          problem === 'relative'
            ? '它不是绝对路径，keepalived 可能运行别的程序或找不到程序'
            : problem === 'metacharacters'
              ? '它包含 shell 语法（; | & $ ` 引号 < > ( ) 等），keepalived 不会解释，LVS Designer 也不会把它写入配置'
              : '它不是"绝对路径 + 普通参数"的形式（字母、数字、. _ + - / = : , @ %）';
        out.push({
          message: `Service ${serviceLabel(s)}: the ${src.keyword} command "${src.text}" cannot be used: ${why}.`,
          fix: `Write ${serviceName(s)}'s ${src.field} as an absolute path with plain arguments, e.g. /usr/local/bin/check_${svc.id.replace(/[^A-Za-z0-9_-]/g, '')}.sh, and put any logic inside the script.`,
          refs: src.rsId ? [svc.id, src.rsId] : [svc.id],
          zh: {
            message: `服务 ${serviceLabel(s)}：${src.keyword} 命令 "${src.text}" 无法使用：${whyZh}。`,
            fix: `把 ${serviceName(s)} 的 ${src.field} 写成带普通参数的绝对路径，例如 /usr/local/bin/check_${svc.id.replace(/[^A-Za-z0-9_-]/g, '')}.sh，其余逻辑放进脚本里。`,
          },
        });
      }
    }
    return out;
  },
};

/**
 * A small syntax highlighter for the generated files (shell, ipvsadm rules, keepalived.conf,
 * sysctl.conf): comments, strings, options, addresses, numbers and a few keywords. Line-based, no
 * dependency; it only colours, it never changes the text.
 */
import type { ReactNode } from 'react';

const SHELL_WORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'in',
  'do',
  'done',
  'case',
  'esac',
  'while',
  'function',
  'return',
  'exit',
  'set',
  'local',
  'export',
  'trap',
  'readonly',
]);
const COMMANDS = new Set([
  'ipvsadm',
  'ip',
  'sysctl',
  'modprobe',
  'keepalived',
  'echo',
  'printf',
  'cat',
  'grep',
  'test',
  'systemctl',
  'mkdir',
  'cp',
  'mv',
  'rm',
  'diff',
  'awk',
  'sed',
]);
const KEEPALIVED_WORDS = new Set([
  'virtual_server',
  'real_server',
  'virtual_server_group',
  'lb_algo',
  'lb_kind',
  'protocol',
  'persistence_timeout',
  'persistence_granularity',
  'delay_loop',
  'weight',
  'TCP_CHECK',
  'HTTP_GET',
  'url',
  'path',
  'status_code',
  'connect_timeout',
  'connect_port',
  'global_defs',
  'router_id',
  'fwmark',
  'uthreshold',
  'lthreshold',
  'quorum',
  'sorry_server',
]);

const TOKEN =
  /(#.*$)|("(?:[^"\\]|\\.)*"|'[^']*')|(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)|(\s--?[A-Za-z][A-Za-z0-9-]*)|(\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?::\d+)?\b)|(\b\d+\b)|([A-Za-z_][A-Za-z0-9_.]*)|([{}])/g;

function line(text: string, key: number): ReactNode {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    if (start > last) out.push(text.slice(last, start));
    const [tok, comment, str, variable, flag, addr, num, word, brace] = m;
    let cls: string | null = null;
    if (comment) cls = 'tk-comment';
    else if (str) cls = 'tk-string';
    else if (variable) cls = 'tk-var';
    else if (flag) cls = 'tk-flag';
    else if (addr) cls = 'tk-addr';
    else if (num) cls = 'tk-num';
    else if (brace) cls = 'tk-brace';
    else if (word) cls = SHELL_WORDS.has(word) ? 'tk-keyword' : COMMANDS.has(word) ? 'tk-command' : KEEPALIVED_WORDS.has(word) ? 'tk-keyword' : null;
    out.push(
      cls ? (
        <span key={i++} className={cls}>
          {tok}
        </span>
      ) : (
        tok
      ),
    );
    last = start + tok.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return (
    <span className="code-line" key={key}>
      {out}
      {'\n'}
    </span>
  );
}

/** Highlighted lines of a text file. */
export function Highlighted({ text }: { text: string }) {
  return <>{text.split('\n').map((l, i) => line(l, i))}</>;
}

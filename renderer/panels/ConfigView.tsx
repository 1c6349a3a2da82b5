/**
 * Config view: the files the generators make for one host (read-only, highlighted), with copy and
 * download. Generation runs on the topology of the moment and is memoised per host.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import type { Topology } from '../../shared/model/types.ts';
import type { Result } from '../../shared/util/result.ts';
import type { GeneratedFile } from '../../shared/generators/index.ts';
import { renderHost } from '../../shared/generators/index.ts';
import { Highlighted } from './highlight.tsx';
import { download } from '../app/download.ts';

/** Generated files for one host, or an error text (a generator crash is shown, not thrown). */
function generateFor(t: Topology, hostId: string): Result<readonly GeneratedFile[]> {
  try {
    return renderHost(t, hostId);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** The i18n key (config.files.*) of each file the generators write. */
const FILE_KEYS: Readonly<Record<string, string>> = {
  'apply.sh': 'apply',
  'verify.sh': 'verify',
  'rollback.sh': 'rollback',
  'sysctl.d/90-lvs-designer.conf': 'sysctl',
  'modules-load.d/lvs-designer.conf': 'modules',
  'ipvsadm.rules': 'ipvsadm',
  'keepalived.conf': 'keepalived',
};

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    const done = document.execCommand('copy');
    ta.remove();
    return done;
  }
}

export function ConfigView() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const selectedNodes = useApp((s) => s.selectedNodes);
  const notify = useApp((s) => s.notify);
  const [picked, setPicked] = useState<string>('');
  const [fileIdx, setFileIdx] = useState(0);
  const fromSelection = topology.hosts.find((h) => h.id === selectedNodes[0])?.id;
  const fallback = topology.hosts.find((h) => h.role === 'director')?.id ?? topology.hosts[0]?.id ?? '';
  const hostId = topology.hosts.some((h) => h.id === picked) ? picked : (fromSelection ?? fallback);
  const result = useMemo(() => (hostId ? generateFor(topology, hostId) : null), [topology, hostId]);
  const host = topology.hosts.find((h) => h.id === hostId);
  if (!host || !result)
    return (
      <div className="config-view muted" data-testid="config-view">
        {t('config.noHosts')}
      </div>
    );
  const files = result.ok ? result.value : [];
  const file = files[Math.min(fileIdx, files.length - 1)];
  // The generator's English description, in the UI language for the files it writes.
  const describe = (f: GeneratedFile): string => {
    const key = FILE_KEYS[f.path];
    return key ? t(`config.files.${key}`, { host: host.id }) : f.description;
  };
  return (
    <div className="config-view" data-testid="config-view">
      <div className="config-head">
        <select
          aria-label={t('config.host')}
          data-testid="config-host"
          value={hostId}
          onChange={(e) => {
            setPicked(e.target.value);
            setFileIdx(0);
          }}
        >
          {topology.hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name} ({t(`role.${h.role}`)})
            </option>
          ))}
        </select>
      </div>
      {!result.ok && (
        <div className="config-error" role="alert" data-testid="config-error">
          <strong>{t('config.cannotGenerate')}</strong> {result.error}
        </div>
      )}
      {files.length > 0 && (
        <>
          <div className="file-tabs" role="tablist">
            {files.map((f, i) => (
              <button
                key={f.path}
                type="button"
                role="tab"
                aria-selected={f === file}
                className={`file-tab${f === file ? ' is-active' : ''}`}
                onClick={() => setFileIdx(i)}
                data-testid={`config-file-${f.path}`}
                title={describe(f)}
              >
                {f.path}
              </button>
            ))}
          </div>
          {file && (
            <>
              <div className="file-bar">
                <span className="muted file-desc">{describe(file)}</span>
                <span className="file-actions">
                  <button
                    type="button"
                    data-testid="config-copy"
                    onClick={() =>
                      void copy(file.content).then((ok) => notify(ok ? 'info' : 'error', ok ? t('config.copied', { name: file.path }) : t('config.copyFailed')))
                    }
                  >
                    {t('config.copy')}
                  </button>
                  <button
                    type="button"
                    data-testid="config-download"
                    onClick={() => download(`${host.name}-${file.path.replace(/\//g, '-')}`, file.content, 'text/plain')}
                  >
                    {t('config.download')}
                  </button>
                </span>
              </div>
              <pre className="code" data-testid="config-content" tabIndex={0}>
                <code>
                  <Highlighted text={file.content} />
                </code>
              </pre>
            </>
          )}
        </>
      )}
    </div>
  );
}

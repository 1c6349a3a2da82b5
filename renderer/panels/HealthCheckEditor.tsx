/**
 * The health check of one virtual service, as keepalived has it: checker kind, URL/status or
 * script, timing, inhibit_on_failure, quorum and sorry server — with the detection window the
 * timing gives (the simulator's keepalived formula). Empty timing fields mean keepalived's default.
 */
import { useTranslation } from 'react-i18next';
import type { HealthCheck, HealthCheckKind, VirtualService } from '../../shared/model/types.ts';
import { HEALTH_CHECK_KINDS } from '../../shared/model/types.ts';
import { HEALTH_CHECK_DEFAULTS, effectiveHealthCheck } from '../../shared/model/health.ts';
import { detectionWindow } from '../../shared/simulator/health.ts';
import { checkAddress } from './fieldChecks.ts';
import { CheckField, NumberField, SelectField, TextField } from './fields.tsx';

const KIND_LABEL: Readonly<Record<HealthCheckKind, 'health.kindTcp' | 'health.kindHttp' | 'health.kindSsl' | 'health.kindMisc'>> = {
  tcp: 'health.kindTcp',
  http: 'health.kindHttp',
  ssl: 'health.kindSsl',
  misc: 'health.kindMisc',
};

export function HealthCheckEditor({ service, onChange }: { service: VirtualService; onChange: (check: HealthCheck | undefined) => void }) {
  const { t } = useTranslation();
  const hc = service.healthCheck;
  const set = (patch: Partial<HealthCheck>) => {
    if (!hc) return;
    const next: Record<string, unknown> = { ...hc, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    onChange(next as unknown as HealthCheck);
  };
  const d = hc ? HEALTH_CHECK_DEFAULTS[hc.kind] : undefined;
  const eff = effectiveHealthCheck(service);
  const silent = eff ? detectionWindow(eff, 'silent') : undefined;
  const refused = eff ? detectionWindow(eff, 'refused') : undefined;
  return (
    <div className="health-check-editor" data-testid="health-check">
      <h4>{t('health.title')}</h4>
      <CheckField
        label={t('health.enable')}
        testId="hc-enable"
        hint={t('health.enableHint')}
        checked={hc !== undefined}
        onChange={(on) =>
          onChange(
            on
              ? {
                  kind: service.port === 443 ? 'ssl' : service.port === 80 || service.port === 8080 ? 'http' : 'tcp',
                  ...(service.port === 80 || service.port === 8080 || service.port === 443 ? { path: '/' } : {}),
                }
              : undefined,
          )
        }
      />
      {hc && d && (
        <>
          <div className="grid-2">
            <SelectField<HealthCheckKind>
              label={t('health.kind')}
              testId="hc-kind"
              value={hc.kind}
              options={HEALTH_CHECK_KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
              onChange={(kind) => set({ kind })}
            />
            {(hc.kind === 'http' || hc.kind === 'ssl') && (
              <>
                <TextField
                  label={t('health.path')}
                  testId="hc-path"
                  mono
                  value={hc.path ?? ''}
                  placeholder="/"
                  onCommit={(v) => set({ path: v.trim() === '' ? undefined : v.trim() })}
                />
                <NumberField
                  label={t('health.status')}
                  testId="hc-status"
                  optional
                  value={hc.status}
                  min={100}
                  max={599}
                  hint={t('health.statusHint')}
                  onCommit={(status) => set({ status })}
                />
              </>
            )}
            {hc.kind === 'misc' && (
              <TextField
                label={t('health.script')}
                testId="hc-script"
                mono
                value={hc.script ?? ''}
                placeholder="/usr/local/bin/check_web"
                onCommit={(v) => set({ script: v.trim() === '' ? undefined : v.trim() })}
              />
            )}
            <NumberField
              label={t('health.delayLoop')}
              testId="hc-delay-loop"
              optional
              value={hc.delayLoop}
              min={1}
              max={86400}
              hint={t('health.defaultHint', { value: d.delayLoop })}
              onCommit={(delayLoop) => set({ delayLoop })}
            />
            <NumberField
              label={t('health.connectTimeout')}
              testId="hc-connect-timeout"
              optional
              value={hc.connectTimeout}
              min={1}
              max={3600}
              hint={t('health.defaultHint', { value: d.connectTimeout })}
              onCommit={(connectTimeout) => set({ connectTimeout })}
            />
            <NumberField
              label={t('health.retry')}
              testId="hc-retry"
              optional
              value={hc.retry}
              min={0}
              max={1000}
              hint={t('health.defaultHint', { value: d.retry })}
              onCommit={(retry) => set({ retry })}
            />
            <NumberField
              label={t('health.delayBeforeRetry')}
              testId="hc-delay-before-retry"
              optional
              value={hc.delayBeforeRetry}
              min={1}
              max={86400}
              hint={t('health.defaultHint', { value: d.delayBeforeRetry })}
              onCommit={(delayBeforeRetry) => set({ delayBeforeRetry })}
            />
            <NumberField
              label={t('health.quorum')}
              testId="hc-quorum"
              optional
              value={hc.quorum}
              min={1}
              max={4294967295}
              onCommit={(quorum) => set({ quorum })}
            />
          </div>
          <CheckField
            label={t('health.inhibit')}
            testId="hc-inhibit"
            checked={hc.inhibitOnFailure === true}
            onChange={(on) => set({ inhibitOnFailure: on ? true : undefined })}
          />
          <div className="grid-2">
            <TextField
              label={t('health.sorryIp')}
              testId="hc-sorry-ip"
              mono
              value={hc.sorryServer?.ip ?? ''}
              check={checkAddress(false)}
              onCommit={(v) => set({ sorryServer: v.trim() === '' ? undefined : { ...(hc.sorryServer ?? { port: service.port }), ip: v.trim() } })}
            />
            {hc.sorryServer && (
              <NumberField
                label={t('health.sorryPort')}
                testId="hc-sorry-port"
                value={hc.sorryServer.port}
                min={0}
                max={65535}
                onCommit={(port) => set({ sorryServer: { ...hc.sorryServer!, port: port ?? service.port } })}
              />
            )}
          </div>
          {silent && refused && (
            <p className="field-hint" data-testid="hc-window">
              {t('health.window', { min: silent.min, max: silent.max, rmin: refused.min, rmax: refused.max })}
            </p>
          )}
        </>
      )}
    </div>
  );
}

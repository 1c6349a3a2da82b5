/**
 * Editor of one virtual service: VIP, port, protocol, scheduler, persistence, and its real servers
 * (host, RIP, port, forwarding method, weight). Used by the inspector and the services panel.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ForwardingMethod, Scheduler, ServiceProtocol, VirtualService } from '../../shared/model/types.ts';
import { FORWARDING_METHODS, SCHEDULERS, SERVICE_PROTOCOLS } from '../../shared/model/types.ts';
import { addRealServer, removeItems, updateRealServer, updateService } from '../../shared/model/commands.ts';
import { useApp } from '../store/index.ts';
import { checkAddress, checkNetmask } from './fieldChecks.ts';
import { CheckField, NumberField, SelectField, TextField } from './fields.tsx';
import { HealthCheckEditor } from './HealthCheckEditor.tsx';
import { hostId } from '../../shared/model/ids.ts';

export function ServiceEditor({ service, focusRealServer }: { service: VirtualService; focusRealServer?: string | null }) {
  const { t } = useTranslation();
  const apply = useApp((s) => s.apply);
  const applyTopology = useApp((s) => s.applyTopology);
  const applyTopologyCommand = useApp((s) => s.applyTopologyCommand);
  const hosts = useApp((s) => s.design.topology.hosts);
  const groups = useApp((s) => s.design.topology.directorGroups);
  const clearSelection = useApp((s) => s.clearSelection);
  const [pick, setPick] = useState('');
  const edit = (patch: Parameters<typeof updateService>[2]) => applyTopology((topo) => updateService(topo, service.id, patch));
  const directors = hosts.filter((h) => h.role === 'director' || h.id === service.director);
  const candidates = hosts.filter(
    (h) =>
      h.id !== service.director &&
      !service.realServers.some((r) => r.host === h.id) &&
      (h.role === 'real-server' || h.role === 'router' || h.role === 'director'),
  );
  const sorted = [...candidates].sort((a, b) => (a.role === 'real-server' ? 0 : 1) - (b.role === 'real-server' ? 0 : 1));
  const chosen = pick && sorted.some((h) => h.id === pick) ? pick : (sorted[0]?.id ?? '');
  const hostName = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;
  return (
    <div className="inspector service-editor" data-testid={`service-${service.id}`}>
      <h3 className="inspector-title">
        {t('services.service')}: {service.name || service.id}
      </h3>
      <div className="grid-2">
        <TextField label={t('services.name')} testId="svc-name" value={service.name ?? ''} onCommit={(v) => edit({ name: v.trim() === '' ? undefined : v })} />
        <SelectField
          label={t('services.director')}
          testId="svc-director"
          value={service.director}
          options={[
            ...directors.map((h) => ({ value: h.id, label: h.name })),
            ...(groups ?? []).map((g) => ({
              value: g.id,
              label: t('services.directorGroup', { name: g.name, members: g.members.map((m) => hostName(m.host)).join(' + ') }),
            })),
          ]}
          onChange={(director) => edit({ director })}
        />
        <TextField label={t('services.vip')} testId="svc-vip" mono value={service.vip} check={checkAddress(false)} onCommit={(v) => edit({ vip: v.trim() })} />
        <NumberField
          label={t('services.port')}
          testId="svc-port"
          value={service.port}
          min={0}
          max={65535}
          hint={t('services.portHint')}
          onCommit={(v) => edit({ port: v ?? 0 })}
        />
        <SelectField<ServiceProtocol>
          label={t('services.protocol')}
          testId="svc-protocol"
          value={service.protocol}
          options={SERVICE_PROTOCOLS.map((p) => ({ value: p, label: p.toUpperCase() }))}
          onChange={(protocol) => edit({ protocol })}
        />
        <SelectField<Scheduler>
          label={t('services.scheduler')}
          testId="svc-scheduler"
          value={service.scheduler}
          options={SCHEDULERS.map((s) => ({ value: s, label: `${s} — ${t(`scheduler.${s}`)}` }))}
          onChange={(scheduler) => edit({ scheduler })}
        />
        {service.protocol === 'fwmark' && (
          <NumberField
            label={t('services.fwmark')}
            testId="svc-fwmark"
            value={service.fwmark}
            min={1}
            max={4294967295}
            onCommit={(fwmark) => edit({ fwmark })}
          />
        )}
      </div>
      <CheckField
        label={t('services.persistence')}
        testId="svc-persistent"
        hint={t('services.persistenceHint')}
        checked={service.persistence !== undefined}
        onChange={(on) => edit({ persistence: on ? { timeout: 300 } : undefined })}
      />
      {service.persistence && (
        <div className="grid-2">
          <NumberField
            label={t('services.timeout')}
            testId="svc-timeout"
            value={service.persistence.timeout}
            min={1}
            max={2678400}
            onCommit={(v) => edit({ persistence: { ...service.persistence!, timeout: v ?? 300 } })}
          />
          <TextField
            label={t('services.netmask')}
            testId="svc-netmask"
            mono
            value={service.persistence.netmask ?? ''}
            placeholder="255.255.255.255"
            check={checkNetmask}
            onCommit={(v) => {
              const { netmask: _n, ...rest } = service.persistence!;
              edit({ persistence: v.trim() ? { ...rest, netmask: v.trim() } : rest });
            }}
          />
        </div>
      )}
      <HealthCheckEditor service={service} onChange={(healthCheck) => edit({ healthCheck })} />
      <h4>{t('services.realServers', { count: service.realServers.length })}</h4>
      {service.realServers.length > 0 && (
        <table className="rs-table">
          <thead>
            <tr>
              <th>{t('services.host')}</th>
              <th>{t('services.rip')}</th>
              <th>{t('services.port')}</th>
              <th>{t('services.method')}</th>
              <th>{t('services.weight')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {service.realServers.map((r) => {
              const up = (patch: Parameters<typeof updateRealServer>[3]) => applyTopology((topo) => updateRealServer(topo, service.id, r.id, patch));
              return (
                <tr key={r.id} className={r.id === focusRealServer ? 'is-focused' : undefined} data-testid={`rs-${r.id}`}>
                  <td className="rs-host">{hostName(r.host)}</td>
                  <td>
                    <TextField
                      label={t('services.rip')}
                      testId={`rs-${r.id}-rip`}
                      mono
                      value={r.rip}
                      check={checkAddress(false)}
                      onCommit={(v) => up({ rip: v.trim() })}
                    />
                  </td>
                  <td>
                    <NumberField
                      label={t('services.port')}
                      testId={`rs-${r.id}-port`}
                      value={r.port}
                      min={0}
                      max={65535}
                      onCommit={(v) => up({ port: v ?? 0 })}
                    />
                  </td>
                  <td>
                    <SelectField<ForwardingMethod>
                      label={t('services.method')}
                      testId={`rs-${r.id}-method`}
                      value={r.method}
                      options={FORWARDING_METHODS.map((m) => ({ value: m, label: m.toUpperCase() }))}
                      onChange={(method) => up({ method })}
                    />
                  </td>
                  <td>
                    <NumberField
                      label={t('services.weight')}
                      testId={`rs-${r.id}-weight`}
                      value={r.weight}
                      min={0}
                      max={65535}
                      onCommit={(v) => up({ weight: v ?? 0 })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="icon-button"
                      title={t('action.remove')}
                      aria-label={t('action.remove')}
                      data-testid={`rs-${r.id}-remove`}
                      onClick={() => apply((d) => removeItems(d, [r.id]))}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {sorted.length > 0 ? (
        <div className="add-rs">
          <select aria-label={t('services.pickHost')} data-testid="svc-pick-host" value={chosen} onChange={(e) => setPick(e.target.value)}>
            {sorted.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name} ({t(`role.${h.role}`)})
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="svc-add-rs"
            onClick={() => {
              if (!chosen) return;
              applyTopologyCommand((topo) => addRealServer(topo, service.id, hostId(chosen)));
              setPick('');
            }}
          >
            + {t('services.addRealServer')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('services.noCandidates')}</p>
      )}
      <div className="button-row end">
        <button
          type="button"
          className="danger"
          data-testid="svc-delete"
          onClick={() => {
            apply((d) => removeItems(d, [service.id]));
            clearSelection();
          }}
        >
          {t('services.delete')}
        </button>
      </div>
    </div>
  );
}

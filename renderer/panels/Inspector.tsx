/**
 * The inspector: edits whatever is selected — a host (with its interfaces), a segment, a link (the
 * interface it stands for), a service / real server — or the design itself when nothing is.
 */
import { useTranslation } from 'react-i18next';
import type { Host, HostRole, Interface, Route, Segment } from '../../shared/model/types.ts';
import { HOST_ROLES } from '../../shared/model/types.ts';
import {
  addInterface,
  addRoute,
  addService,
  describeDesign,
  removeInterface,
  removeRoute,
  renameDesign,
  setInterfaceSysctl,
  updateHost,
  updateInterface,
  updateRoute,
  updateSegment,
} from '../../shared/model/commands.ts';
import type { InterfaceSysctlKey } from '../../shared/model/commands.ts';
import { renumberSegment } from '../../shared/model/commands.ts';
import i18n from '../i18n/index.ts';
import { isMac } from '../../shared/addressing/ipv4.ts';
import { useApp } from '../store/index.ts';
import { checkAddress, checkIfName, checkInterfaceAddress, checkName, checkSubnet } from './fieldChecks.ts';
import type { FieldCheck } from './fieldChecks.ts';
import type { SysctlChoice } from './fields.tsx';
import { CheckField, NumberField, SelectField, SysctlField, TextField } from './fields.tsx';
import { ServiceEditor } from './ServiceEditor.tsx';
import { deleteSelection, duplicateSelection } from '../app/actions.ts';
import { RoleIcon } from '../canvas/icons.tsx';
import { segmentId as toSegmentId } from '../../shared/model/ids.ts';

/** A MAC address; empty is fine (the simulator derives one). Stored as typed either way. */
const checkMac: FieldCheck = (text) => (text.trim() === '' || isMac(text.trim()) ? null : 'field.badMac');

type SysctlT = (key: `inspector.sysctlValue.${string}`) => string;

/** The values of each sysctl that mean something, with their meaning. */
function sysctlChoices(t: SysctlT): Record<InterfaceSysctlKey, SysctlChoice[]> {
  return {
    arpIgnore: [0, 1, 2, 8].map((v) => ({ value: v, label: t(`inspector.sysctlValue.arpIgnore${v}`) })),
    arpAnnounce: [0, 1, 2].map((v) => ({ value: v, label: t(`inspector.sysctlValue.arpAnnounce${v}`) })),
    rpFilter: [0, 1, 2].map((v) => ({ value: v, label: t(`inspector.sysctlValue.rpFilter${v}`) })),
  };
}

const SYSCTL_NAMES: Record<InterfaceSysctlKey, string> = { arpIgnore: 'arp_ignore', arpAnnounce: 'arp_announce', rpFilter: 'rp_filter' };
const SYSCTL_KEYS: readonly InterfaceSysctlKey[] = ['arpIgnore', 'arpAnnounce', 'rpFilter'];

/** The three ARP / reverse-path selects for `net.ipv4.conf.<scope>.*`. */
function SysctlSelects({
  scope,
  testIdPrefix,
  values,
  onChange,
}: {
  scope: string;
  testIdPrefix: string;
  values: Partial<Record<InterfaceSysctlKey, number>>;
  onChange: (key: InterfaceSysctlKey, v: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const choices = sysctlChoices(t as unknown as SysctlT);
  return (
    <>
      {SYSCTL_KEYS.map((k) => (
        <SysctlField
          key={k}
          label={`net.ipv4.conf.${scope}.${SYSCTL_NAMES[k]}`}
          testId={`${testIdPrefix}${k.toLowerCase()}`}
          hint={t(`inspector.sysctlHint.${k}`)}
          value={values[k]}
          choices={choices[k]}
          onChange={(v) => onChange(k, v)}
        />
      ))}
    </>
  );
}

export function Inspector() {
  const { t } = useTranslation();
  const nodes = useApp((s) => s.selectedNodes);
  const edges = useApp((s) => s.selectedEdges);
  const service = useApp((s) => s.selectedService);
  const topology = useApp((s) => s.design.topology);

  if (service) {
    const svc = topology.services.find((v) => v.id === service.service);
    if (svc) return <ServiceEditor service={svc} focusRealServer={service.realServer} />;
  }
  const count = nodes.length + edges.length;
  if (count === 0) return <DesignEditor />;
  // A host with one of its own links selected (e.g. from a problem) is still one host.
  const soleHost = nodes.length === 1 ? topology.hosts.find((h) => h.id === nodes[0]) : undefined;
  if (soleHost && edges.length === 1 && soleHost.interfaces.some((f) => f.id === edges[0]))
    return <HostEditor host={soleHost} focusInterface={edges[0]!} segments={topology.segments} />;
  if (count > 1)
    return (
      <div className="inspector" data-testid="inspector-multi">
        <h3>{t('inspector.multi', { count })}</h3>
        <div className="button-row">
          <button type="button" onClick={duplicateSelection} data-testid="inspector-duplicate">
            {t('action.duplicate')}
          </button>
          <button type="button" className="danger" onClick={deleteSelection} data-testid="inspector-delete">
            {t('action.delete')}
          </button>
        </div>
      </div>
    );
  if (edges.length === 1) {
    const host = topology.hosts.find((h) => h.interfaces.some((f) => f.id === edges[0]));
    if (host) return <HostEditor host={host} focusInterface={edges[0]!} segments={topology.segments} />;
    return null;
  }
  const id = nodes[0]!;
  const host = topology.hosts.find((h) => h.id === id);
  if (host) return <HostEditor host={host} focusInterface={null} segments={topology.segments} />;
  const seg = topology.segments.find((s) => s.id === id);
  if (seg) return <SegmentEditor segment={seg} />;
  return null;
}

function DesignEditor() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const applyTopology = useApp((s) => s.applyTopology);
  return (
    <div className="inspector" data-testid="inspector-design">
      <h3>{t('inspector.design')}</h3>
      <TextField
        label={t('inspector.designName')}
        testId="design-name"
        value={topology.name}
        check={checkName(128)}
        onCommit={(v) => applyTopology((topo) => renameDesign(topo, v))}
      />
      <div className="field">
        <label htmlFor="design-desc">{t('inspector.description')}</label>
        <textarea
          id="design-desc"
          data-testid="design-description"
          rows={4}
          defaultValue={topology.description ?? ''}
          key={topology.description ?? ''}
          onBlur={(e) => {
            const v = e.target.value;
            if (v === (topology.description ?? '')) return;
            applyTopology((topo) => describeDesign(topo, v));
          }}
        />
      </div>
      <p className="muted">{t('inspector.nothingSelected')}</p>
    </div>
  );
}

function HostEditor({ host, focusInterface, segments }: { host: Host; focusInterface: string | null; segments: readonly Segment[] }) {
  const { t } = useTranslation();
  const applyTopology = useApp((s) => s.applyTopology);
  const applyTopologyCommand = useApp((s) => s.applyTopologyCommand);
  const services = useApp((s) => s.design.topology.services);
  const selectService = useApp((s) => s.selectService);
  const setTab = useApp((s) => s.setRightTab);
  const edit = (patch: Parameters<typeof updateHost>[2]) => applyTopology((topo) => updateHost(topo, host.id, patch));
  const sys = host.sysctl ?? {};
  const setSys = (key: 'arpIgnore' | 'arpAnnounce' | 'rpFilter', v: number | undefined) => {
    const next = { ...sys, [key]: v };
    if (v === undefined) delete next[key];
    edit({ sysctl: Object.keys(next).length ? next : undefined });
  };
  const owned = services.filter((v) => v.director === host.id);
  return (
    <div className="inspector" data-testid="inspector-host">
      <h3 className="inspector-title">
        <RoleIcon role={host.role} /> {host.name}
      </h3>
      <TextField label={t('inspector.name')} testId="host-name" value={host.name} check={checkName(128)} onCommit={(v) => edit({ name: v })} />
      <SelectField<HostRole>
        label={t('inspector.role')}
        testId="host-role"
        value={host.role}
        options={HOST_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        onChange={(role) => edit({ role })}
      />
      <TextField
        label={t('inspector.gateway')}
        testId="host-gateway"
        mono
        value={host.gateway ?? ''}
        placeholder={t('inspector.none')}
        check={checkAddress(true)}
        onCommit={(v) => edit({ gateway: v.trim() === '' ? undefined : v.trim() })}
      />
      <CheckField
        label={t('inspector.ipForward')}
        testId="host-ipforward"
        hint={t('inspector.ipForwardHint')}
        checked={sys.ipForward === true}
        onChange={(v) => edit({ sysctl: { ...sys, ipForward: v } })}
      />
      {/* Open for a DR/TUN real server: its ARP and rp_filter settings are what makes it work. */}
      <details
        className="subsection"
        key={host.id}
        open={services.some((v) => v.realServers.some((r) => r.host === host.id && r.method !== 'nat'))}
        data-testid="host-arp-section"
      >
        <summary>{t('inspector.arpSysctls')}</summary>
        <p className="muted small">{t('inspector.sysctlMax')}</p>
        <SysctlSelects scope="all" testIdPrefix="host-" values={sys} onChange={setSys} />
      </details>
      <RoutesEditor host={host} />
      <h4>{t('inspector.interfaces')}</h4>
      {host.interfaces.map((f) => (
        <InterfaceEditor key={f.id} host={host} iface={f} segments={segments} focused={f.id === focusInterface} />
      ))}
      <div className="button-row">
        <button type="button" onClick={() => applyTopology((topo) => addInterface(topo, host.id, 'ethernet'))} data-testid="add-ethernet">
          + {t('inspector.addEthernet')}
        </button>
        <button type="button" onClick={() => applyTopology((topo) => addInterface(topo, host.id, 'loopback'))} data-testid="add-loopback">
          + lo
        </button>
        <button type="button" onClick={() => applyTopology((topo) => addInterface(topo, host.id, 'ipip'))} data-testid="add-tunl">
          + tunl0
        </button>
      </div>
      {host.role === 'director' && (
        <>
          <h4>{t('inspector.servicesOfDirector')}</h4>
          {owned.length === 0 && <p className="muted">{t('services.none')}</p>}
          {owned.map((v) => (
            <button type="button" className="link-button" key={v.id} onClick={() => selectService(v.id)}>
              {v.name || v.id} — {v.vip}:{v.port}
            </button>
          ))}
          <div className="button-row">
            <button
              type="button"
              data-testid="host-add-service"
              onClick={() => {
                const made = applyTopologyCommand((topo) => addService(topo, host.id));
                setTab('services');
                if (made) selectService(made.id);
              }}
            >
              + {t('services.add')}
            </button>
          </div>
        </>
      )}
      <div className="button-row end">
        <button type="button" className="danger" onClick={deleteSelection} data-testid="inspector-delete">
          {t('action.deleteHost')}
        </button>
      </div>
    </div>
  );
}

function InterfaceEditor({ host, iface, segments, focused }: { host: Host; iface: Interface; segments: readonly Segment[]; focused: boolean }) {
  const { t } = useTranslation();
  const applyTopology = useApp((s) => s.applyTopology);
  const edit = (patch: Parameters<typeof updateInterface>[3]) => applyTopology((topo) => updateInterface(topo, host.id, iface.id, patch));
  const setAddress = (i: number, v: string) => edit({ addresses: iface.addresses.map((a, j) => (j === i ? v.trim() : a)) });
  return (
    <fieldset className={`iface${focused ? ' is-focused' : ''}`} data-testid={`iface-${iface.id}`}>
      <legend>
        {iface.name} <span className="muted">· {t(`ifkind.${iface.kind}`)}</span>
      </legend>
      <TextField
        label={t('inspector.ifName')}
        testId={`iface-${iface.id}-name`}
        mono
        value={iface.name}
        check={checkIfName}
        onCommit={(v) => edit({ name: v })}
      />
      {iface.kind === 'ethernet' && (
        <SelectField
          label={t('inspector.segment')}
          testId={`iface-${iface.id}-segment`}
          value={iface.segment ?? ''}
          options={[{ value: '', label: t('inspector.unplugged') }, ...segments.map((s) => ({ value: s.id, label: `${s.name} (${s.cidr})` }))]}
          onChange={(v) => edit({ segment: v === '' ? null : v })}
        />
      )}
      {/* lo and tunl0 have their own kernel defaults; their MTU is shown only when the design sets one. */}
      {(iface.kind === 'ethernet' || iface.mtu !== undefined) && (
        <NumberField
          label={t('inspector.mtu')}
          testId={`iface-${iface.id}-mtu`}
          value={iface.mtu}
          min={68}
          max={65535}
          optional
          hint={iface.kind === 'ethernet' ? t('inspector.ifMtuHint') : undefined}
          onCommit={(v) => edit({ mtu: v })}
        />
      )}
      {iface.kind === 'ethernet' && (
        <TextField
          label={t('inspector.mac')}
          testId={`iface-${iface.id}-mac`}
          mono
          value={iface.mac ?? ''}
          placeholder={t('inspector.macAuto')}
          check={checkMac}
          onCommit={(v) => edit({ mac: v.trim() === '' ? undefined : v.trim() })}
        />
      )}
      {iface.addresses.map((a, i) => (
        <div className="address-row" key={i}>
          <TextField
            label={t('inspector.address', { n: i + 1 })}
            testId={`iface-${iface.id}-addr-${i}`}
            mono
            value={a}
            check={checkInterfaceAddress}
            onCommit={(v) => setAddress(i, v)}
          />
          <button
            type="button"
            className="icon-button"
            title={t('action.remove')}
            aria-label={t('action.remove')}
            onClick={() => edit({ addresses: iface.addresses.filter((_, j) => j !== i) })}
          >
            ×
          </button>
        </div>
      ))}
      <div className="button-row">
        <button type="button" data-testid={`iface-${iface.id}-add-address`} onClick={() => edit({ addresses: [...iface.addresses, ''] })}>
          + {t('inspector.addAddress')}
        </button>
        <button
          type="button"
          className="danger-link"
          data-testid={`iface-${iface.id}-remove`}
          onClick={() => applyTopology((topo) => removeInterface(topo, iface.id))}
        >
          {t('inspector.removeInterface')}
        </button>
      </div>
      <details className="subsection" data-testid={`iface-${iface.id}-sysctls`}>
        <summary>
          {t('inspector.ifSysctls', { name: iface.name })}
          {/* What is set shows even while the section is closed. */}
          {iface.sysctl && Object.keys(iface.sysctl).length > 0 && (
            <span className="mono muted" data-testid={`iface-${iface.id}-sysctl-summary`}>
              {' '}
              {SYSCTL_KEYS.filter((k) => iface.sysctl?.[k] !== undefined)
                .map((k) => `${SYSCTL_NAMES[k]}=${iface.sysctl?.[k]}`)
                .join(' ')}
            </span>
          )}
        </summary>
        <SysctlSelects
          scope={iface.name}
          testIdPrefix={`iface-${iface.id}-`}
          values={iface.sysctl ?? {}}
          onChange={(k, v) => applyTopology((topo) => setInterfaceSysctl(topo, host.id, iface.id, k, v))}
        />
      </details>
    </fieldset>
  );
}

/** The host's static routes: one row per route (destination, next hop, device) with add/remove. */
function RoutesEditor({ host }: { host: Host }) {
  const { t } = useTranslation();
  const applyTopology = useApp((s) => s.applyTopology);
  const routes = host.routes ?? [];
  const edit = (i: number, patch: Partial<Route>) => applyTopology((topo) => updateRoute(topo, host.id, i, patch));
  const names = host.interfaces.map((f) => f.name);
  return (
    <section className="routes" data-testid="host-routes">
      <h4>{t('inspector.routes')}</h4>
      {routes.length === 0 && <p className="muted">{t('inspector.noRoutes')}</p>}
      {routes.map((r, i) => (
        <div className="route-row" key={i} data-testid={`route-${i}`}>
          <TextField
            label={t('inspector.routeDestination')}
            testId={`route-${i}-destination`}
            mono
            value={r.destination}
            placeholder="10.0.0.0/8"
            check={checkSubnet}
            onCommit={(v) => edit(i, { destination: v.trim() })}
          />
          <TextField
            label={t('inspector.routeVia')}
            testId={`route-${i}-via`}
            mono
            value={r.via ?? ''}
            placeholder={t('inspector.none')}
            check={checkAddress(true)}
            onCommit={(v) => edit(i, { via: v.trim() })}
          />
          <SelectField<string>
            label={t('inspector.routeDev')}
            testId={`route-${i}-dev`}
            value={r.dev ?? ''}
            options={[
              { value: '', label: t('inspector.routeAnyDev') },
              ...names.map((n) => ({ value: n, label: n })),
              ...(r.dev !== undefined && !names.includes(r.dev) ? [{ value: r.dev, label: r.dev }] : []),
            ]}
            onChange={(v) => edit(i, { dev: v })}
          />
          <button
            type="button"
            className="icon-button"
            data-testid={`route-${i}-remove`}
            title={t('inspector.removeRoute')}
            aria-label={t('inspector.removeRoute')}
            onClick={() => applyTopology((topo) => removeRoute(topo, host.id, i))}
          >
            ×
          </button>
        </div>
      ))}
      <div className="button-row">
        <button type="button" data-testid="host-add-route" onClick={() => applyTopology((topo) => addRoute(topo, host.id))}>
          + {t('inspector.addRoute')}
        </button>
      </div>
    </section>
  );
}

/**
 * Commits a segment's new CIDR; when hosts have addresses in the old subnet, offers to renumber
 * them (addresses, gateways, VIP, RIPs) in the same undo step.
 */
function changeCidr(segmentId: string, cidr: string): void {
  const s = useApp.getState();
  const old = s.design.topology.segments.find((x) => x.id === segmentId)?.cidr ?? '';
  if (cidr === old) return;
  const { changed } = renumberSegment(s.design.topology, toSegmentId(segmentId), cidr);
  const renumber = changed > 0 && window.confirm(i18n.t('inspector.renumberAsk', { count: changed, from: old, to: cidr }));
  s.apply((d) => ({
    ...d,
    topology: renumber ? renumberSegment(d.topology, toSegmentId(segmentId), cidr).topology : updateSegment(d.topology, toSegmentId(segmentId), { cidr }),
  }));
}

function SegmentEditor({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const applyTopology = useApp((s) => s.applyTopology);
  const hosts = useApp((s) => s.design.topology.hosts);
  const edit = (patch: Parameters<typeof updateSegment>[2]) => applyTopology((topo) => updateSegment(topo, segment.id, patch));
  const members = hosts.filter((h) => h.interfaces.some((f) => f.segment === segment.id));
  return (
    <div className="inspector" data-testid="inspector-segment">
      <h3 className="inspector-title">
        <RoleIcon role="segment" /> {segment.name}
      </h3>
      <TextField label={t('inspector.name')} testId="segment-name" value={segment.name} check={checkName(128)} onCommit={(v) => edit({ name: v })} />
      <TextField
        label={t('inspector.cidr')}
        testId="segment-cidr"
        mono
        value={segment.cidr}
        check={checkSubnet}
        onCommit={(v) => changeCidr(segment.id, v.trim())}
      />
      <NumberField
        label={t('inspector.mtu')}
        testId="segment-mtu"
        value={segment.mtu}
        min={68}
        max={65535}
        optional
        hint={t('inspector.mtuHint')}
        onCommit={(v) => edit({ mtu: v })}
      />
      <h4>{t('inspector.members', { count: members.length })}</h4>
      <ul className="plain-list">
        {members.map((h) => (
          <li key={h.id}>
            <RoleIcon role={h.role} size={14} /> {h.name}{' '}
            <span className="mono muted">
              {h.interfaces
                .filter((f) => f.segment === segment.id)
                .flatMap((f) => f.addresses)
                .join(', ')}
            </span>
          </li>
        ))}
      </ul>
      <div className="button-row end">
        <button type="button" className="danger" onClick={deleteSelection} data-testid="inspector-delete">
          {t('action.deleteSegment')}
        </button>
      </div>
    </div>
  );
}

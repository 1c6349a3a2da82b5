/**
 * "New from wizard": pick NAT, DR or TUN, the number of real servers, the addresses (prefilled
 * with the seed article's lab, editable) and the scheduler → a complete, checked design. With a
 * design open, the same dialog adds a service to it (director, real-server hosts, method
 * suggested by the design) as one undo step.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ForwardingMethod } from '../../shared/model/types.ts';
import { SCHEDULERS } from '../../shared/model/types.ts';
import type { WizardOptions } from '../../shared/model/wizard.ts';
import { WIZARD_DEFAULTS, WIZARD_MAX_REAL_SERVERS, addServiceWithServers, wizardDesign } from '../../shared/model/wizard.ts';
import { Modal } from '../app/Modal.tsx';
import { confirmDiscard } from '../app/files.ts';
import { useApp } from '../store/index.ts';

const METHODS: readonly ForwardingMethod[] = ['nat', 'dr', 'tun'];
type AddressKey = 'vip' | 'frontCidr' | 'backCidr' | 'dip' | 'firstRip' | 'routerFront' | 'routerBack' | 'client';
const ADDRESS_FIELDS: Record<ForwardingMethod, readonly AddressKey[]> = {
  nat: ['vip', 'frontCidr', 'backCidr', 'dip', 'firstRip', 'client'],
  dr: ['vip', 'frontCidr', 'backCidr', 'dip', 'firstRip', 'routerFront', 'routerBack', 'client'],
  tun: ['vip', 'frontCidr', 'backCidr', 'dip', 'firstRip', 'routerFront', 'routerBack', 'client'],
};

function MethodPicker({ value, onChange }: { value: ForwardingMethod; onChange: (m: ForwardingMethod) => void }) {
  const { t } = useTranslation();
  return (
    <div className="wizard-methods" role="radiogroup" aria-label={t('wizard.method')}>
      {METHODS.map((m) => (
        <button
          key={m}
          type="button"
          role="radio"
          aria-checked={value === m}
          className={`template-card${value === m ? ' is-active' : ''}`}
          onClick={() => onChange(m)}
          data-testid={`wizard-method-${m}`}
        >
          <span className="template-icon">{m.toUpperCase()}</span>
          <span className="muted">{t(`wizard.methodText.${m}`)}</span>
        </button>
      ))}
    </div>
  );
}

function NewLab({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [o, setO] = useState<WizardOptions>(WIZARD_DEFAULTS.dr);
  const set = (patch: Partial<WizardOptions>) => setO((x) => ({ ...x, ...patch }));
  const create = () => {
    if (!confirmDiscard()) return;
    const s = useApp.getState();
    const d = wizardDesign(o, t('wizard.designName', { method: o.method.toUpperCase() }));
    s.load(d, null, null, true);
    s.clearSelection();
    s.openDialog(null);
    s.focusOn([...d.topology.hosts.map((h) => h.id), ...d.topology.segments.map((x) => x.id)], true);
  };
  return (
    <Modal title={t('wizard.title')} testId="wizard-dialog" onClose={onClose} wide>
      <MethodPicker value={o.method} onChange={(m) => setO({ ...WIZARD_DEFAULTS[m], realServers: o.realServers, scheduler: o.scheduler })} />
      <div className="wizard-grid">
        <div className="field">
          <label htmlFor="wizard-count">{t('wizard.count')}</label>
          <input
            id="wizard-count"
            type="number"
            min={1}
            max={WIZARD_MAX_REAL_SERVERS}
            value={o.realServers}
            onChange={(e) => set({ realServers: Math.max(1, Math.min(WIZARD_MAX_REAL_SERVERS, Number(e.target.value) || 1)) })}
            data-testid="wizard-count"
          />
        </div>
        <div className="field">
          <label htmlFor="wizard-scheduler">{t('wizard.scheduler')}</label>
          <select id="wizard-scheduler" value={o.scheduler} onChange={(e) => set({ scheduler: e.target.value })} data-testid="wizard-scheduler">
            {SCHEDULERS.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="wizard-port">{t('wizard.port')}</label>
          <input
            id="wizard-port"
            type="number"
            min={0}
            max={65535}
            value={o.port}
            onChange={(e) => set({ port: Math.max(0, Math.min(65535, Number(e.target.value) || 0)) })}
            data-testid="wizard-port"
          />
        </div>
        {ADDRESS_FIELDS[o.method].map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`wizard-${k}`}>{t(`wizard.fields.${k === 'dip' && o.method === 'tun' ? 'dipTun' : k}`)}</label>
            <input
              id={`wizard-${k}`}
              className="mono"
              value={o[k]}
              onChange={(e) => set({ [k]: e.target.value.trim() })}
              data-testid={`wizard-${k}`}
              spellCheck={false}
            />
          </div>
        ))}
      </div>
      <p className="muted">{t('wizard.note')}</p>
      <div className="button-row end">
        <button type="button" onClick={onClose}>
          {t('action.cancel')}
        </button>
        <button type="button" className="primary" onClick={create} data-testid="wizard-create">
          {t('wizard.create')}
        </button>
      </div>
    </Modal>
  );
}

function AddService({ onClose, onNewLab }: { onClose: () => void; onNewLab: () => void }) {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const directors = topology.hosts.filter((h) => h.role === 'director');
  const candidates = topology.hosts.filter((h) => h.role === 'real-server');
  const [director, setDirector] = useState(directors[0]?.id ?? '');
  const [hosts, setHosts] = useState<string[]>(candidates.map((h) => h.id));
  const dirHost = directors.find((h) => h.id === director);
  const firstAddress = dirHost?.interfaces.find((f) => f.kind === 'ethernet' && f.addresses.length > 0)?.addresses[0]?.split('/')[0] ?? '';
  const [vip, setVip] = useState(firstAddress);
  const [port, setPort] = useState(443);
  const [scheduler, setScheduler] = useState('wrr');
  // The method the design suggests: real servers holding the VIP on lo → DR, on tunl0 → TUN, else NAT.
  const suggested = useMemo<ForwardingMethod>(() => {
    const holds = (kind: string) =>
      hosts.length > 0 &&
      hosts.every((id) => topology.hosts.find((h) => h.id === id)?.interfaces.some((f) => f.kind === kind && f.addresses.some((a) => a.split('/')[0] === vip)));
    if (holds('loopback')) return 'dr';
    if (holds('ipip')) return 'tun';
    const dirSegs = new Set(dirHost?.interfaces.map((f) => f.segment) ?? []);
    const shares = hosts.every((id) => topology.hosts.find((h) => h.id === id)?.interfaces.some((f) => f.segment !== null && dirSegs.has(f.segment)));
    return shares ? 'nat' : 'tun';
  }, [hosts, topology, vip, dirHost]);
  const [method, setMethod] = useState<ForwardingMethod | null>(null);
  const used = method ?? suggested;
  const add = () => {
    const s = useApp.getState();
    let id = '';
    s.apply((d) => {
      const r = addServiceWithServers(d.topology, { director, hosts, method: used, vip, port, scheduler });
      id = r.id;
      return { ...d, topology: r.topology };
    });
    s.openDialog(null);
    s.selectService(id, null);
    s.setRightTab('services');
  };
  return (
    <Modal title={t('wizard.addTitle')} testId="wizard-dialog" onClose={onClose} wide>
      <MethodPicker value={used} onChange={setMethod} />
      {method === null && (
        <p className="muted" data-testid="wizard-suggested">
          {t('wizard.suggested', { method: suggested.toUpperCase() })}
        </p>
      )}
      <div className="wizard-grid">
        <div className="field">
          <label htmlFor="wizard-director">{t('wizard.director')}</label>
          <select id="wizard-director" value={director} onChange={(e) => setDirector(e.target.value)} data-testid="wizard-director">
            {directors.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="wizard-vip">{t('wizard.fields.vip')}</label>
          <input id="wizard-vip" className="mono" value={vip} onChange={(e) => setVip(e.target.value.trim())} data-testid="wizard-vip" />
        </div>
        <div className="field">
          <label htmlFor="wizard-port">{t('wizard.port')}</label>
          <input
            id="wizard-port"
            type="number"
            min={0}
            max={65535}
            value={port}
            onChange={(e) => setPort(Math.max(0, Math.min(65535, Number(e.target.value) || 0)))}
            data-testid="wizard-port"
          />
        </div>
        <div className="field">
          <label htmlFor="wizard-scheduler">{t('wizard.scheduler')}</label>
          <select id="wizard-scheduler" value={scheduler} onChange={(e) => setScheduler(e.target.value)} data-testid="wizard-scheduler">
            {SCHEDULERS.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="wizard-hosts">
        <legend>{t('wizard.realServers')}</legend>
        {candidates.map((h) => (
          <label key={h.id} className="check">
            <input
              type="checkbox"
              checked={hosts.includes(h.id)}
              onChange={(e) => setHosts(e.target.checked ? [...hosts, h.id] : hosts.filter((x) => x !== h.id))}
              data-testid={`wizard-host-${h.id}`}
            />{' '}
            {h.name}
          </label>
        ))}
      </fieldset>
      <div className="button-row end">
        <button type="button" onClick={onNewLab} data-testid="wizard-new-lab">
          {t('wizard.newLabInstead')}
        </button>
        <button type="button" onClick={onClose}>
          {t('action.cancel')}
        </button>
        <button type="button" className="primary" onClick={add} disabled={director === '' || hosts.length === 0} data-testid="wizard-add">
          {t('wizard.add')}
        </button>
      </div>
    </Modal>
  );
}

/** The wizard: a new lab on an empty canvas, else adding a service (with a way to a new lab). */
export function WizardDialog({ onClose }: { onClose: () => void }) {
  const hasDirector = useApp((s) => s.design.topology.hosts.some((h) => h.role === 'director'));
  const [newLab, setNewLab] = useState(!hasDirector);
  return newLab ? <NewLab onClose={onClose} /> : <AddService onClose={onClose} onNewLab={() => setNewLab(true)} />;
}

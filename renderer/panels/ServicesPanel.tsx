/** The services panel: every virtual service of the design, a form to create one, and its editor. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addService } from '../../shared/model/commands.ts';
import { useApp } from '../store/index.ts';
import { ServiceEditor } from './ServiceEditor.tsx';
import { serviceAddress } from '../../shared/model/topology.ts';
import { hostId } from '../../shared/model/ids.ts';

export function ServicesPanel() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const applyTopologyCommand = useApp((s) => s.applyTopologyCommand);
  const selected = useApp((s) => s.selectedService);
  const selectService = useApp((s) => s.selectService);
  const [director, setDirector] = useState('');
  const directors = topology.hosts.filter((h) => h.role === 'director');
  const chosen = directors.some((h) => h.id === director) ? director : (directors[0]?.id ?? '');
  const current = topology.services.find((v) => v.id === selected?.service);
  return (
    <div className="services-panel" data-testid="services-panel">
      <ul className="service-list">
        {topology.services.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className={`service-item${v.id === current?.id ? ' is-active' : ''}`}
              onClick={() => selectService(v.id)}
              data-testid={`service-item-${v.id}`}
            >
              <span className="service-name">{v.name || v.id}</span>
              <span className="mono">{serviceAddress(v, true)}</span>
              <span className="muted">
                {v.scheduler} · {t('services.realServersShort', { count: v.realServers.length })}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {topology.services.length === 0 && <p className="muted">{t('services.none')}</p>}
      {directors.length > 0 ? (
        <div className="add-rs">
          <select aria-label={t('services.director')} value={chosen} onChange={(e) => setDirector(e.target.value)} data-testid="services-director">
            {directors.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="primary"
            data-testid="services-add"
            onClick={() => {
              const made = applyTopologyCommand((topo) => addService(topo, hostId(chosen)));
              if (made) selectService(made.id);
            }}
          >
            + {t('services.add')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('services.needDirector')}</p>
      )}
      {current && <ServiceEditor service={current} focusRealServer={selected?.realServer ?? null} />}
    </div>
  );
}

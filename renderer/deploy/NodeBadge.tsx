/**
 * The deploy's mark on a host card of the canvas (registered as a node decoration): green when the
 * host was deployed and verified, red when it failed, blue while it is being worked on, amber after
 * a rollback; real servers also show how many end-to-end answers they gave.
 */
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { e2eAnswers, hostTone } from './status.ts';
import type { HostId } from '../../shared/model/ids.ts';

const ICON = { good: '✓', bad: '✗', busy: '…', warn: '↺' } as const;
const TITLE = { good: 'deploy.badgeVerified', bad: 'deploy.badgeFailed', busy: 'deploy.badgeRunning', warn: 'deploy.badgeRolledBack' } as const;

export function DeployNodeBadge({ hostId }: { hostId: HostId }) {
  const { t } = useTranslation();
  const tone = useApp((s) => hostTone(s, hostId));
  const answers = useApp((s) => e2eAnswers(s, hostId));
  if (!tone && answers === null) return null;
  return (
    <>
      {tone && (
        <span className={`deploy-badge tone-${tone}`} data-testid={`deploy-badge-${hostId}`} data-tone={tone} title={t(TITLE[tone])}>
          {ICON[tone]}
        </span>
      )}
      {answers !== null && (
        <span
          className={`deploy-badge deploy-e2e-badge tone-${answers > 0 ? 'good' : 'bad'}`}
          data-testid={`deploy-e2e-badge-${hostId}`}
          title={answers > 0 ? t('deploy.badgeE2e', { count: answers }) : t('deploy.badgeE2eNone')}
        >
          ⇄{answers}
        </span>
      )}
    </>
  );
}

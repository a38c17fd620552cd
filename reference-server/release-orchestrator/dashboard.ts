/**
 * The dashboard's state and its events: environment health that drifts and recovers, release
 * promotions moving through their states, alerts raised when something goes wrong, and a
 * metric_update on every tick. Counts that other parts own (agents online, queue depth, running
 * deployment jobs) are read from them, so the metrics describe the server's real state.
 */
import type {
  Alert,
  DashboardAlert,
  EnvironmentStatus,
  Health,
  MetricUpdate,
  Promotion,
  PromotionStatus,
  PromotionUpdate,
  ResourceType,
  Severity,
} from '../../generated/release-orchestrator/models.gen.ts';
import type { Clock, Random } from '../../runtime/seeded/index.ts';
import { ENVIRONMENTS, RELEASES, REQUESTERS } from './catalog.ts';
import type { Timers } from './timers.ts';

export const METRICS_EVERY_MS = 5000;

export type DashboardMessage = MetricUpdate | Alert | PromotionUpdate;

export interface DashboardSources {
  agentsOnline(): number;
  agentsTotal(): number;
  queueDepth(): number;
  /** Deployment jobs running now. */
  runningJobs(): number;
}

/** Where a promotion may go next, with the weight of each move. */
const NEXT: Partial<Record<PromotionStatus, readonly [PromotionStatus, number][]>> = {
  pending: [['awaiting_approval', 1]],
  awaiting_approval: [
    ['approved', 0.8],
    ['rejected', 0.2],
  ],
  approved: [['deploying', 1]],
  deploying: [
    ['deployed', 0.85],
    ['failed', 0.15],
  ],
};

const FINAL: ReadonlySet<PromotionStatus> = new Set(['rejected', 'deployed', 'failed', 'cancelled']);

export class Dashboard {
  private readonly environments: EnvironmentStatus[];
  private readonly promotions: Promotion[] = [];
  private recentReleases = 12;

  constructor(
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly sources: DashboardSources,
    private readonly emit: (message: DashboardMessage) => void,
  ) {
    this.environments = ENVIRONMENTS.map((name) => ({ environmentId: random.uuid(), name, health: 'healthy' as Health }));
    this.promotions.push(this.newPromotion('awaiting_approval'), this.newPromotion('pending'));
  }

  start(): void {
    this.timers.every(METRICS_EVERY_MS, () => this.tick());
  }

  /** The current metrics as a metric_update. */
  snapshot(): MetricUpdate {
    const online = this.sources.agentsOnline();
    const total = Math.max(this.sources.agentsTotal(), online);
    return {
      type: 'metric_update',
      metrics: {
        pipelineStatus: this.environments.map((e) => ({ ...e })),
        pendingApprovals: this.promotions.filter((p) => p.status === 'awaiting_approval').length,
        activeDeployments: this.sources.runningJobs() + this.promotions.filter((p) => p.status === 'deploying').length,
        recentReleases: this.recentReleases,
        systemHealth: { agentsOnline: online, agentsTotal: total, queueDepth: this.sources.queueDepth() },
      },
      timestamp: this.clock.iso(),
    };
  }

  /** Raises an alert now. */
  alert(severity: Severity, title: string, message: string, resourceType: ResourceType, resourceId: string): void {
    const alert: DashboardAlert = { id: this.random.uuid(), severity, title, message, resourceType, resourceId, timestamp: this.clock.iso() };
    this.emit({ type: 'alert', alert });
  }

  /** Promotions not yet in a final state. */
  activePromotions(): readonly Promotion[] {
    return this.promotions;
  }

  tick(): void {
    this.driftHealth();
    if (this.random.next() < 0.6) this.advancePromotion();
    if (this.promotions.length < 2) {
      const created = this.newPromotion('pending');
      this.promotions.push(created);
      this.emit({ type: 'promotion_update', promotion: { ...created } });
    }
    this.emit(this.snapshot());
  }

  private driftHealth() {
    if (this.random.next() >= 0.2) return;
    const env = this.random.pick(this.environments);
    const before = env.health;
    const after: Health = before === 'healthy' ? (this.random.next() < 0.8 ? 'degraded' : 'unhealthy') : 'healthy';
    env.health = after;
    if (after === 'healthy') this.alert('info', `${env.name} recovered`, `${env.name} is healthy again (was ${before})`, 'environment', env.environmentId);
    else
      this.alert(
        after === 'unhealthy' ? 'critical' : 'warning',
        `${env.name} ${after}`,
        `Health checks of ${env.name} report ${after}`,
        'environment',
        env.environmentId,
      );
  }

  private advancePromotion() {
    const promotion = this.random.pick(this.promotions);
    const moves = NEXT[promotion.status];
    if (!moves) return;
    let roll = this.random.next();
    let next = moves[moves.length - 1]![0];
    for (const [status, weight] of moves) {
      if (roll < weight) {
        next = status;
        break;
      }
      roll -= weight;
    }
    promotion.status = next;
    this.emit({ type: 'promotion_update', promotion: { ...promotion } });
    if (next === 'deployed') this.recentReleases++;
    if (next === 'failed') {
      this.alert(
        'error',
        'Deployment Failed',
        `Deployment of ${promotion.releaseName} to ${promotion.targetEnvironment} failed: health check timeout`,
        'promotion',
        promotion.id,
      );
    }
    if (FINAL.has(next)) this.promotions.splice(this.promotions.indexOf(promotion), 1);
  }

  private newPromotion(status: PromotionStatus): Promotion {
    return {
      id: this.random.uuid(),
      releaseName: this.random.pick(RELEASES),
      targetEnvironment: this.random.pick(ENVIRONMENTS.slice(1)),
      status,
      requestedBy: this.random.pick(REQUESTERS),
    };
  }
}

import type { CorsOptions, RuntimeEventInfo } from '../../runtime/index.ts';
import type { Bus } from '../../runtime/bus/index.ts';
import type { Clock } from '../../runtime/seeded/index.ts';

/** What every reference server takes. All of it is optional: defaults give a working dev server. */
export interface ReferenceOptions {
  /** Seed of the server's randomness (ids, simulated outcomes). */
  seed?: number;
  /** Multiplies every timing (contract and simulation): 0.01 runs 100× faster. */
  timeScale?: number;
  /** The server's clock; by default one that starts at a fixed instant. */
  clock?: Clock;
  /** Secrets and keys; generated at start when not given. */
  secrets?: {
    /** HS256 secret for JWT schemes. */
    jwtSecret?: Uint8Array;
    /** API keys accepted (API-key schemes). */
    apiKeys?: readonly string[];
    /** Session ids accepted (cookie schemes), mapped to their user. */
    sessions?: Readonly<Record<string, string>>;
  };
  /** Origins allowed for cookie credentials. */
  allowedOrigins?: readonly string[];
  /**
   * Pages elsewhere (a front-end dev server on another port) that may read the SSE and HTTP
   * responses (CORS); their origins may also present cookie credentials.
   */
  cors?: CorsOptions;
  /** Extra pages served at exact paths (the dev console); see the runtime's `pages`. */
  pages?: Readonly<Record<string, () => Promise<string>>>;
  /** The bus broadcasts and SSE events go through (default: this process only); see `serve --instances`. */
  bus?: Bus;
  /**
   * Whether the simulation's own events (ticks, fleet polls, dashboard metrics) go out on the bus
   * (default true). Several instances on one bus each run the seeded simulation, so that what a
   * client is shown on connecting agrees; only one of them sends its events to everyone.
   */
  fanOutSimulation?: boolean;
  /** Told about every error the runtime handles (refused logins, slow consumers cut off…), with where it happened. */
  onError?(error: Error, info?: RuntimeEventInfo): void;
}

/** A ready-to-use credential, as `serve` prints it. */
export interface DevCredential {
  /** The security scheme id in the contract. */
  scheme: string;
  /** How to present it, in words (`Authorization: Bearer <value>`, `?token=<value>`, …). */
  usage: string;
  value: string;
  /**
   * Whom it authenticates (a JWT's `sub`), where a server knows several: `conform` presents a
   * transcript recorded as one principal with that principal's credential. The first
   * credential of a scheme is the default one.
   */
  principal?: string;
  /** When it stops being accepted (ISO 8601), for credentials that expire. */
  expiresAt?: string;
}

/** How `credentials()` mints what it prints. */
export interface CredentialOptions {
  /** Lifetime of minted tokens in seconds (default 12 h). */
  ttlSeconds?: number;
}

/** A running (or ready to run) reference implementation of one seed API. */
export interface ReferenceServer {
  /** The API name (`steadybase`, …). */
  readonly api: string;
  listen(port: number, host?: string): Promise<{ port: number }>;
  /** Graceful shutdown; stops every simulation timer. */
  close(): Promise<void>;
  /** Example URLs of each endpoint for a server at `origin` (`http://127.0.0.1:3000`). */
  urls(origin: string): string[];
  /** A working development credential per auth scheme (and per principal where a scenario needs another). */
  credentials(options?: CredentialOptions): Promise<DevCredential[]>;
}

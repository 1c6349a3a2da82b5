/**
 * The `deploy` domain of the bridge. Filled in by the deploy work (issue: one-click deploy).
 * Secrets are sent to the Node side once and never come back.
 */
export interface DeployApi {
  /** True when this backend can deploy (Node side present). */
  available(): Promise<boolean>;
}

/**
 * Which VirtRigaud behaviour a release targets (value `profile`):
 * - `v0.3.11`: the version the toolkit installs, as shipped (its manager serves every metric and
 *   dials only the providers it runs itself from `Provider` objects);
 * - `documented`: the product spec's metrics catalog (providers serve `/metrics` themselves).
 */
import { VIRTRIGAUD_VERSION } from './version';

export const PROFILES = ['v0.3.11', 'documented'] as const;
export type Profile = (typeof PROFILES)[number];

/** The default profile: the version the toolkit installs. */
export const DEFAULT_PROFILE: Profile = VIRTRIGAUD_VERSION;

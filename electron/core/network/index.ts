/**
 * How the app reaches the server through an office network: the proxy chain and the trusted CA bundle.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { type CaBundle, inspectCaFile, loadCaBundle } from './ca-bundle';
export { type ProxyReport } from './proxy-agent';

/**
 * For the tests of a downstream service (`popp-bridge/testing`): signed
 * deliveries for a bridge under test, and sample events of every type.
 * See docs/guides/sdk-install.md.
 */
export { type SampleEventOptions, sampleEvent } from './samples.js';
export { deliver, type SignedDelivery, signBody, signedDelivery } from './sign.js';

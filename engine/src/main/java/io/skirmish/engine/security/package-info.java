/**
 * What makes frames trustworthy: connect tokens minted by the game's backend, the per-connection
 * {@link io.skirmish.engine.security.LaneCrypto} that authenticates (SipHash trailers) or encrypts (AES-GCM) every
 * frame and rejects replays, the nonce cache that refuses a token twice, and token-bucket rate limits. Plain JDK
 * cryptography; no Aeron.
 */
package io.skirmish.engine.security;

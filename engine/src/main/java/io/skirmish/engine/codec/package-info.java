/**
 * Encodings of the game's data: the {@link io.skirmish.engine.codec.MessageRegistry} of Kryo types with explicit
 * ids (one Kryo per thread, bounded for untrusted input), snapshot delta codecs and the window of past snapshot
 * states they work against. Imports nothing of the server, the client or the transport.
 */
package io.skirmish.engine.codec;

/**
 * The Aeron side of the lanes: launching or attaching to a media driver in a threading mode
 * ({@link io.skirmish.engine.transport.Transport}), the streams and channel URIs of the lanes, the one
 * {@link io.skirmish.engine.transport.FrameOffer} path every outgoing frame takes (sealed, retried, counted),
 * bounded reassembly, and the relay interface the simulator implements. Knows nothing of sessions or rooms.
 */
package io.skirmish.engine.transport;

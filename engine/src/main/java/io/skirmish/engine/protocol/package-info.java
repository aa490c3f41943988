/**
 * Wire frames of the Skirmish protocol as flyweights over Agrona {@link org.agrona.DirectBuffer}s.
 * <p>
 * Every frame starts with the 8-byte {@link io.skirmish.engine.protocol.FrameHeaderFlyweight} (version, type,
 * flags, session id) followed by a type-specific body whose fields are little-endian and naturally aligned. The
 * frames are documented byte by byte in {@code docs/WIRE-FORMAT.md}; the class Javadoc of each flyweight mirrors it.
 * Flyweights never allocate: wrap once, reuse for every frame.
 */
package io.skirmish.engine.protocol;

package io.skirmish.engine.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes a snapshot as a delta against a baseline state the client is known to hold, and decodes it back. The
 * engine's default, {@link XorRleDeltaCodec}, works on bytes and needs no game code; a game can plug in its own
 * field-level codec with {@code GameServer.Context#deltaCodec(DeltaCodec)} and
 * {@code GameClient.Context#deltaCodec(DeltaCodec)} (both sides must use the same one).
 * <p>
 * The contract: for any baseline {@code B} and target {@code T}, {@code decode(B, encode(B, T)) == T} byte for byte.
 * An encoding must carry whatever the decoder needs, including the target's length. A codec is called on one
 * thread only (the server's or client's conductor thread), must not allocate on these paths, and must treat the
 * delta given to {@link #decode} as untrusted: check every length and offset, and return {@link #MALFORMED}
 * rather than throw.
 */
public interface DeltaCodec
{
    /** {@link #encode} result: the delta would be longer than {@code maxLength}; the engine sends the state in full. */
    int TOO_LONG = -1;
    /** {@link #decode} result: the delta is not a valid encoding, or decodes to more than {@code maxLength}. */
    int MALFORMED = -2;

    /**
     * Encode {@code target} as a delta against {@code baseline}.
     *
     * @param baseline       the baseline state, as the client holds it.
     * @param baselineOffset of the baseline.
     * @param baselineLength of the baseline (may differ from the target's).
     * @param target         the new state.
     * @param targetOffset   of the target.
     * @param targetLength   of the target.
     * @param out            where to write the delta.
     * @param outOffset      at which to write.
     * @param maxLength      most bytes that may be written.
     * @return bytes written, or {@link #TOO_LONG} when the delta does not fit in {@code maxLength}.
     */
    int encode(
        DirectBuffer baseline,
        int baselineOffset,
        int baselineLength,
        DirectBuffer target,
        int targetOffset,
        int targetLength,
        MutableDirectBuffer out,
        int outOffset,
        int maxLength);

    /**
     * Rebuild the target state from the baseline and a delta made by {@link #encode}.
     *
     * @param baseline       the baseline state named by the snapshot.
     * @param baselineOffset of the baseline.
     * @param baselineLength of the baseline.
     * @param delta          the delta (untrusted).
     * @param deltaOffset    of the delta.
     * @param deltaLength    of the delta.
     * @param out            where to write the target state (never overlaps the baseline or the delta).
     * @param outOffset      at which to write.
     * @param maxLength      most bytes that may be written.
     * @return the target's length, or {@link #MALFORMED}.
     */
    int decode(
        DirectBuffer baseline,
        int baselineOffset,
        int baselineLength,
        DirectBuffer delta,
        int deltaOffset,
        int deltaLength,
        MutableDirectBuffer out,
        int outOffset,
        int maxLength);
}

package io.skirmish.directory.service;

/**
 * A seat reservation: players held a place in a room until they arrive (confirm), the backend lets go (release) or
 * the expiry passes.
 */
final class SeatEntry
{
    long id;
    long requestId;
    long sessionId;
    RoomEntry room;
    int partySize;
    long expiresAtMs;
    /** Its players arrived and are members; kept until its expiry only to answer a repeated request. */
    boolean confirmed;
}

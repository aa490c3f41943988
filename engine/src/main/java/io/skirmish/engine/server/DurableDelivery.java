package io.skirmish.engine.server;

/**
 * When the members of a durable room ({@link RoomOptions#durable(boolean)}) get its events, relative to the
 * recording ({@link RoomOptions#durableDelivery(DurableDelivery)}; docs/durability.md, "Live-first delivery").
 * Either way, a client's reliable frame whose handling put events into the room is acknowledged to that client only
 * once the archive has recorded them, so that a crash never loses a frame its sender was told had arrived.
 */
public enum DurableDelivery
{
    /**
     * The default: members get an event only once the archive has recorded it (one or two duty cycles with the
     * embedded archive). After a crash every client continues exactly from what it holds: nothing it delivered is
     * missing from the restored room.
     */
    RECORDED,

    /**
     * Members get each event at once, as in a room that is not durable; the recording follows behind. After a crash
     * the restored room continues from the last recorded event, which may be before what a client delivered: that
     * client is told the seq the room was restored at, and gets one explicit resync for the room
     * ({@code ClientListener.onRoomRestored}, then {@code onResync}) before it continues with the restored room's
     * events, each exactly once.
     */
    LIVE
}

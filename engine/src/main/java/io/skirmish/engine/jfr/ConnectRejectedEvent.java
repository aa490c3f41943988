package io.skirmish.engine.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code io.skirmish.ConnectRejected}: a connect or resume request was refused with a reason.
 * Committed by {@link ServerEvents} on the server conductor thread, only while a recording enables it.
 */
@Name("io.skirmish.ConnectRejected")
@Label("Connect Rejected")
@Category({ "Skirmish", "Server" })
@StackTrace(false)
@Description("A connect or resume request was refused with a reason.")
public final class ConnectRejectedEvent extends Event
{
    /** The nonce of the refused request. */
    @Label("Client Nonce")
    @Description("The nonce of the refused request.")
    public long clientNonce;

    /** The session a resume named, 0 for a new connect. */
    @Label("Resume Session Id")
    @Description("The session a resume named, 0 for a new connect.")
    public int resumeSessionId;

    /** The DisconnectReason told to the client. */
    @Label("Reason")
    @Description("The DisconnectReason told to the client.")
    public String reason;
}

/**
 * The directory's messages: flyweights over {@code DirectBuffer} for what backends and room servers send to the
 * directory on the cluster's ingress, what it answers on the egress, and the records of its snapshots
 * (docs/WIRE-FORMAT.md, "Directory"), with the message type codes and the result codes both sides share.
 */
package io.skirmish.directory.protocol;

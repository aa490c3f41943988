/**
 * The Swing window of the demo (Java2D only): the arena drawn at 60 frames per second from the interpolation
 * buffer, the client's network figures, room seqs and recovery counters, and live sliders for the simulated
 * network.
 */
package io.skirmish.samples.ui;

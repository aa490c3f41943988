/**
 * The Skirmish multiplayer demo, one scenario per class: {@link io.skirmish.samples.Demo} picks one by its first
 * argument. {@link io.skirmish.samples.AllInOneDemo} runs a server, bots and (with a display) a window in one
 * process; {@link io.skirmish.samples.ServerCommand}, {@link io.skirmish.samples.ClientCommand},
 * {@link io.skirmish.samples.BotsCommand} and {@link io.skirmish.samples.RelayCommand} run the parts alone.
 * Defaults come from {@link io.skirmish.samples.SampleConfiguration}.
 */
package io.skirmish.samples;

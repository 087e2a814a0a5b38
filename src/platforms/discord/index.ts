// The Discord platform's public entry: what main.ts and the scheduler use.
export { createDiscordBot, toInteractionOptions, DISCORD_INTENTS } from './bot.ts';
export { adoptFromPollVote } from './poll-votes.ts';
export type { PollVote } from './poll-votes.ts';
export type { DiscordBot, DiscordBotConfig, DiscordBotOptions } from './bot.ts';
export { registerCommands, applicationCommands, payloadProblems } from './registration.ts';
export type { RegisterOptions } from './registration.ts';
export { createDiscordSender, createDiscordRest, discordNonce } from './sender.ts';
export type { DiscordSender, DiscordSenderOptions } from './sender.ts';
export { openHedgeDiscussion } from './discussion.ts';
export type { DiscussionResult } from './discussion.ts';
export { DiscordDeliveryError, classifyDiscordError, missingText, DISCORD_CODES } from './errors.ts';
export type { DeliveryFailure } from './errors.ts';
export {
  createInteractionsEndpoint,
  discordPublicKey,
  signatureProblem,
  interactionsRest,
} from './http-interactions.ts';
export type { InteractionsEndpoint, InteractionsEndpointOptions } from './http-interactions.ts';

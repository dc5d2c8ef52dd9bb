import { z } from 'zod';
import { answerCommand, listCommands, registerCommand, unregisterCommand, updateCommand } from '../domain/bots/commands.js';
import { withEvents } from '../events/pipeline.js';
import { commandView } from '../format/command.js';
import { botAuthShape, defineV2, intArg, ownedBot, stringArg, v2bool } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/commands';

/** Parameters are read by the handler, after the bot checks (the controller binds arguments after processBeforeAction). */
const shape = z.object(botAuthShape).passthrough();

/** `fields` as the controller binds `array $fields = []`: an object (or list); anything else is empty. */
const objectOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const isEmpty = (o: Record<string, unknown>) => Object.keys(o).length === 0;
/** An optional boolean field: absent/null leaves it unchanged, anything else is normalised (Y/1/TRUE). */
const optionalBool = (v: unknown) => (v === undefined || v === null ? undefined : v2bool(v));

export const commandRegister = defineV2({
  name: 'imbot.v2.Command.register',
  docs: `${DOCS}/command-register.md`,
  params: shape,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    // BOT-BC-0330-1: with a non-empty `fields` the new format, else the legacy flat parameters.
    const fields = objectOf(p.fields);
    const src = isEmpty(fields) ? { ...p, command: typeof p.command === 'number' ? String(p.command) : p.command } : fields;
    const command = await ctx.platform.store.transaction((tx) =>
      registerCommand(tx, bot, {
        command: src.command,
        title: src.title,
        params: src.params,
        common: v2bool(src.common ?? 'N'),
        hidden: v2bool(src.hidden ?? 'N'),
        extranetSupport: v2bool(src.extranetSupport ?? 'N'),
      }),
    );
    return { command: commandView(command) };
  },
});

export const commandUpdate = defineV2({
  name: 'imbot.v2.Command.update',
  docs: `${DOCS}/command-update.md`,
  params: shape,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const commandId = intArg(p, 'commandId');
    const f = objectOf(p.fields);
    const command = await ctx.platform.store.transaction((tx) =>
      updateCommand(tx, bot, commandId, {
        command: f.command,
        title: f.title,
        params: f.params,
        common: optionalBool(f.common),
        hidden: optionalBool(f.hidden),
        extranetSupport: optionalBool(f.extranetSupport),
      }),
    );
    return { command: commandView(command) };
  },
});

export const commandUnregister = defineV2({
  name: 'imbot.v2.Command.unregister',
  docs: `${DOCS}/command-unregister.md`,
  params: shape,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const commandId = intArg(p, 'commandId');
    await ctx.platform.store.transaction((tx) => unregisterCommand(tx, bot, commandId));
    return { result: true };
  },
});

export const commandList = defineV2({
  name: 'imbot.v2.Command.list',
  docs: `${DOCS}/command-list.md`,
  params: shape,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    return { commands: await listCommands(ctx.platform.store, bot) };
  },
});

export const commandAnswer = defineV2({
  name: 'imbot.v2.Command.answer',
  docs: `${DOCS}/command-answer.md`,
  params: shape,
  async handler(ctx, p) {
    const { bot } = await ownedBot(ctx, p);
    const commandId = intArg(p, 'commandId');
    const messageId = intArg(p, 'messageId');
    // Required, but the answer goes to the chat of the command's message whatever is passed (Command::addMessage).
    stringArg(p, 'dialogId');
    const f = objectOf(p.fields);
    await withEvents(ctx.platform, (tx, emit) =>
      answerCommand(tx, emit, bot, {
        commandId,
        messageId,
        message: f.message,
        attach: f.attach,
        keyboard: f.keyboard,
        menu: f.menu,
        system: optionalBool(f.system),
        urlPreview: optionalBool(f.urlPreview),
      }),
    );
    return { result: true };
  },
});

export const commandMethods = [commandRegister, commandUpdate, commandUnregister, commandList, commandAnswer];

import {
  answerCommand,
  findV1Command,
  registerV1Command,
  requireV1Command,
  unregisterCommand,
  updateV1Command,
  V1CommandErrors as E,
  v1LangEntries,
  type UpdateV1CommandInput,
} from '../domain/bots/commands.js';
import { handlerUrlFor, handlerUrlProblem } from '../domain/bots/handlers.js';
import { ownerHash, requireV1Bot, v1OwnerKey } from '../domain/bots/owner.js';
import { ApiError } from '../domain/errors.js';
import { validateAttach } from '../domain/messenger/attach.js';
import { validateKeyboard, validateMenu } from '../domain/messenger/keyboard.js';
import type { ContentErrors } from '../domain/messenger/messages.js';
import { withEvents } from '../events/pipeline.js';
import { imParams, intval, isEmpty, isset, isY } from './im-common.js';
import { defineMethod, type MethodContext, type MethodDef } from './registry.js';

const DOCS = 'api-reference/chat-bots/outdated/commands';

/**
 * imbot v1 command methods (im_rest.php): top-level names case-insensitive, nested keys upper case,
 * Y/N flags compared with `== 'Y'`; errors are 400 except the 403 ACCESS_DENIED "Client ID not specified".
 */
const defineV1 = (def: Omit<MethodDef<typeof imParams>, 'scope' | 'upperCaseParams' | 'params'>) =>
  defineMethod({ scope: 'imbot', upperCaseParams: true, params: imParams, ...def });

type Params = Record<string, unknown>;

/** A scalar parameter as PHP's string functions see it; arrays and objects are not text. */
const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '') : undefined;

/** `FIELDS` of imbot.command.update: a map (an empty PHP array counts as none). */
const fieldsOf = (v: unknown): Params => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : {});

/** EVENT_COMMAND_ADD checked by HandlerHelper::checkCallback and stored with `CLIENT_ID=` for webhook callers. */
function commandHandler(ctx: MethodContext, p: Params, url: unknown): string {
  const problem = handlerUrlProblem(url);
  if (problem) throw E.handler(problem);
  return handlerUrlFor(ctx.auth, p, scalar(url)!.trim());
}

export const imbotCommandRegister = defineV1({
  name: 'imbot.command.register',
  docs: `${DOCS}/imbot-command-register.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    const store = ctx.platform.store;
    const bot = await requireV1Bot(store, key, p.BOT_ID);
    if (isEmpty(p.EVENT_COMMAND_ADD)) throw E.handlerMissing();
    const eventUrl = commandHandler(ctx, p, p.EVENT_COMMAND_ADD);
    const text = scalar(p.COMMAND);
    if (isEmpty(p.COMMAND) || text === undefined) throw E.commandMissing();
    if (isEmpty(p.LANG)) throw E.langEmpty();
    const command = await store.transaction(async (tx) => {
      const row = await registerV1Command(tx, bot, {
        command: text,
        common: isY(p.COMMON),
        hidden: isY(p.HIDDEN),
        extranetSupport: isY(p.EXTRANET_SUPPORT),
        langs: v1LangEntries(p.LANG),
        eventUrl,
      });
      // The owner's one ONIMCOMMANDADD binding is replaced, also when the command already existed.
      await tx.commands.setEventUrlForOwner(ownerHash(key), eventUrl);
      return row;
    });
    return command.id;
  },
});

export const imbotCommandUnregister = defineV1({
  name: 'imbot.command.unregister',
  docs: `${DOCS}/imbot-command-unregister.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    const store = ctx.platform.store;
    const { command, bot } = await requireV1Command(store, ownerHash(key), p.COMMAND_ID);
    await store.transaction((tx) => unregisterCommand(tx, bot, command.id));
    return true;
  },
});

export const imbotCommandUpdate = defineV1({
  name: 'imbot.command.update',
  docs: `${DOCS}/imbot-command-update.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    const store = ctx.platform.store;
    const { command } = await requireV1Command(store, ownerHash(key), p.COMMAND_ID);
    const f = fieldsOf(p.FIELDS);

    const eventUrl = isEmpty(f.EVENT_COMMAND_ADD) ? undefined : commandHandler(ctx, p, f.EVENT_COMMAND_ADD);
    const update: UpdateV1CommandInput = {};
    if (isset(f.COMMAND) && f.COMMAND !== '') {
      const text = scalar(f.COMMAND);
      if (text === undefined) throw E.updateFailed();
      update.command = text;
    }
    if (!isEmpty(f.HIDDEN)) update.hidden = isY(f.HIDDEN);
    if (!isEmpty(f.EXTRANET_SUPPORT)) update.extranetSupport = isY(f.EXTRANET_SUPPORT);
    if (!isEmpty(f.LANG)) update.langs = v1LangEntries(f.LANG);
    if (Object.keys(update).length === 0 && eventUrl === undefined) throw E.updateEmpty();

    await store.transaction(async (tx) => {
      await updateV1Command(tx, command, update);
      if (eventUrl !== undefined) await tx.commands.setEventUrlForOwner(ownerHash(key), eventUrl);
    });
    return true;
  },
});

/** The content errors of imbot.command.answer, as its page lists them. */
const ANSWER_ERRORS: Required<Pick<ContentErrors, 'attach' | 'attachOversize' | 'keyboard' | 'keyboardOversize' | 'menu'>> = {
  attach: () => new ApiError('ATTACH_ERROR', 'Incorrect attach params'),
  attachOversize: () => new ApiError('ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach'),
  keyboard: () => new ApiError('KEYBOARD_ERROR', 'Incorrect keyboard params'),
  keyboardOversize: () => new ApiError('KEYBOARD_OVERSIZE', 'You have exceeded the maximum allowable size of keyboard'),
  menu: () => new ApiError('MENU_ERROR', 'Incorrect menu params'),
};

export const imbotCommandAnswer = defineV1({
  name: 'imbot.command.answer',
  docs: `${DOCS}/imbot-command-answer.md`,
  async handler(ctx, p: Params) {
    const key = v1OwnerKey(ctx.auth, p);
    const store = ctx.platform.store;
    // COMMAND_ID, or else the owner's command named COMMAND.
    let found;
    if (isset(p.COMMAND_ID)) found = await requireV1Command(store, ownerHash(key), p.COMMAND_ID);
    else if (scalar(p.COMMAND) !== undefined) found = await findV1Command(store, ownerHash(key), scalar(p.COMMAND)!);
    else throw E.notFound();
    const { command, bot } = found;

    const messageId = intval(p.MESSAGE_ID);
    if (messageId <= 0) throw E.messageIdEmpty();
    const message = (scalar(p.MESSAGE) ?? '').trim();
    if (message === '') throw E.messageEmpty();
    // Checked before anything is posted, in the platform's order: ATTACH, KEYBOARD, MENU.
    validateAttach(p.ATTACH, { invalid: ANSWER_ERRORS.attach, oversize: ANSWER_ERRORS.attachOversize });
    if (!isEmpty(p.KEYBOARD) && validateKeyboard(p.KEYBOARD, bot.id, ANSWER_ERRORS.keyboard).oversize) throw ANSWER_ERRORS.keyboardOversize();
    if (!isEmpty(p.MENU)) validateMenu(p.MENU, bot.id, ANSWER_ERRORS.menu);

    const id = await withEvents(ctx.platform, (tx, emit) =>
      answerCommand(
        tx,
        emit,
        bot,
        {
          commandId: command.id,
          messageId,
          message,
          attach: p.ATTACH,
          keyboard: p.KEYBOARD,
          menu: p.MENU,
          system: isY(p.SYSTEM),
          urlPreview: p.URL_PREVIEW === 'N' ? false : undefined,
        },
        { failed: E.notAdded, errors: ANSWER_ERRORS },
      ),
    );
    // Without the command's 10-minute grant nothing is posted and the call still succeeds (Command::addMessage → true).
    return id ?? true;
  },
});

export const imbotCommandMethods = [imbotCommandRegister, imbotCommandUnregister, imbotCommandUpdate, imbotCommandAnswer];
